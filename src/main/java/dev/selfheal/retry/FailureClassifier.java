package dev.selfheal.retry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.detection.RunSummary;
import dev.selfheal.github.GitHubApi;
import dev.selfheal.github.GitHubPaths;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.policy.RetryPolicy;
import dev.selfheal.routes.ExchangeProperties;
import dev.selfheal.sanitize.Sanitizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Classifies a failed run with the ordered rules of {@code phase4-retry-policy.json} ("classification"): the
 * first rule in the file that matches wins, whether it matches the run's or a failed job's conclusion or a line
 * of a failed job's log. Logs are read as streams, line by line, and only the matched line is kept. Like
 * GitLab's {@code retry:when} and Jenkins Naginator's regexes, but one ordered list for both.
 */
@Component("failureClassifier")
public class FailureClassifier {

    public static final String SCAN = "classificationScan";
    private static final int MAX_LINE = 8_192;
    private static final int KEPT_LINE = 500;
    // GitHub prefixes every log line with its time: 2026-11-20T10:00:00.1234567Z
    private static final Pattern TIMESTAMP = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z ");

    private final RetryPolicy policy;
    private final Sanitizer sanitizer;
    private final List<Rule> rules = new ArrayList<>();
    private final int firstPatternRule;
    private final KeywordIndex keywords;
    private final long alwaysTried;

    record Rule(int index, String id, String category, String conclusion, Pattern pattern) {
    }

    public FailureClassifier(PolicyFiles policies, Sanitizer sanitizer) {
        this.policy = policies.retryPolicy();
        this.sanitizer = sanitizer;
        int i = 0;
        for (RetryPolicy.ClassificationRule r : policy.classification()) {
            rules.add(new Rule(i++, r.id(), r.category(), r.conclusion(),
                    r.pattern() == null ? null : Pattern.compile(r.pattern())));
        }
        this.firstPatternRule = rules.stream().filter(r -> r.pattern() != null).mapToInt(Rule::index).findFirst()
                .orElse(-1);
        List<List<String>> keywordsByRule = new ArrayList<>();
        long always = 0;
        for (RetryPolicy.ClassificationRule r : policy.classification()) {
            List<String> k = r.keywords() == null ? List.of() : r.keywords();
            keywordsByRule.add(k);
            if (k.isEmpty() || keywordsByRule.size() > 64) {
                always |= keywordsByRule.size() > 64 ? 0 : 1L << (keywordsByRule.size() - 1);
            }
        }
        this.keywords = new KeywordIndex(keywordsByRule);
        this.alwaysTried = always;
    }

    /** Starts a classification of {@code run} whose failed jobs are given; conclusion rules apply at once. */
    public Scan start(RunSummary run, List<JsonNode> failedJobs) {
        Scan scan = new Scan();
        scan.conclusion(run.conclusion(), null);
        for (JsonNode job : failedJobs) {
            scan.conclusion(job.path("conclusion").asText(null), job.path("name").asText(null));
        }
        return scan;
    }

    /** Route step after the jobs list (the body): keeps the failed jobs and starts the classification scan. */
    public List<JsonNode> startScan(Exchange exchange) {
        RunSummary run = exchange.getProperty(ExchangeProperties.RUN, RunSummary.class);
        @SuppressWarnings("unchecked")
        List<JsonNode> jobs = exchange.getMessage().getBody(List.class);
        List<JsonNode> failed = new ArrayList<>();
        if (jobs != null) {
            for (JsonNode job : jobs) {
                String c = job.path("conclusion").asText("");
                if (c.equals("failure") || c.equals("timed_out") || c.equals("startup_failure")) {
                    failed.add(job);
                }
            }
        }
        exchange.setProperty(SCAN, start(run, failed));
        return failed;
    }

    /** Route step per failed job (the body): the call that streams its log. */
    public void jobLogCall(@Body JsonNode job, @ExchangeProperty(ExchangeProperties.REPOSITORY) String repository,
            Exchange exchange) {
        exchange.setProperty(ExchangeProperties.JOB_NAME, job.path("name").asText());
        exchange.setProperty(GitHubApi.PATH, GitHubPaths.jobLogs(repository, job.path("id").asLong()));
    }

    /** Route step: reads the job log stream in the body into the scan held in {@link #SCAN}. */
    public void scanLog(Exchange exchange) throws IOException {
        Scan scan = exchange.getProperty(SCAN, Scan.class);
        String job = exchange.getProperty(ExchangeProperties.JOB_NAME, String.class);
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            if (in != null) {
                scan.read(in, job);
            }
        }
        exchange.getMessage().setBody(null);
    }

    /** One classification in progress: the best (earliest) rule matched so far and where. */
    public final class Scan {
        private Rule best;
        private String line;
        private String job;
        private int linesRead;

        void conclusion(String conclusion, String jobName) {
            if (conclusion == null) {
                return;
            }
            for (Rule r : rules) {
                if (best != null && r.index() >= best.index()) {
                    return;
                }
                if (conclusion.equals(r.conclusion())) {
                    best = r;
                    line = "conclusion: " + conclusion;
                    job = jobName;
                    return;
                }
            }
        }

        public void read(InputStream in, String jobName) throws IOException {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
            String raw;
            while ((raw = reader.readLine()) != null) {
                linesRead++;
                // nothing can beat the first pattern rule: stop reading
                if (line(raw, jobName) && best.index() == firstPatternRule) {
                    return;
                }
            }
        }

        /** Offers one log line; true when it improved the match. */
        public boolean line(String raw, String jobName) {
            String text = raw.length() > MAX_LINE ? raw.substring(0, MAX_LINE) : raw;
            int limit = best == null ? rules.size() : best.index();
            long candidates = keywords.hits(text) | alwaysTried;
            for (int i = 0; i < limit; i++) {
                Rule r = rules.get(i);
                if (i < 64 && (candidates & (1L << i)) == 0) {
                    continue;
                }
                if (r.pattern() != null && r.pattern().matcher(text).find()) {
                    best = r;
                    line = TIMESTAMP.matcher(text).replaceFirst("").strip();
                    job = jobName;
                    return true;
                }
            }
            return false;
        }

        public int linesRead() {
            return linesRead;
        }

        public Classification result() {
            String category = best == null ? "unknown" : best.category();
            RetryPolicy.Category c = policy.categories().get(category);
            String kept = line == null ? null : sanitizer.sanitize(
                    line.length() > KEPT_LINE ? line.substring(0, KEPT_LINE) + "..." : line);
            return new Classification(category, best == null ? null : best.id(), kept, job,
                    c != null && c.retry(), c == null ? "medium" : c.risk(), c == null ? null : c.fix());
        }
    }
}
