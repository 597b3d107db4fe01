package dev.selfheal.retry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.detection.RunSummary;
import dev.selfheal.github.GitHubApi;
import dev.selfheal.github.GitHubPaths;
import dev.selfheal.github.GitHubUnavailableException;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.policy.RetryPolicy;
import dev.selfheal.routes.ExchangeProperties;
import dev.selfheal.sanitize.Sanitizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Classifies a failed run with the rules of {@code phase4-retry-policy.json} ("classification"), from all the
 * evidence of each failed job: its check run's annotations (where GitHub puts runner-level failures), its steps,
 * its conclusion and every line of its log. Per job, every rule that matches is a signal. A specific signal beats
 * a catch-all ({@code catchAll}, such as "a step failed") from any source, so a checkout that failed after a 500
 * is a 5xx, not a failed step; among specific signals (and among catch-alls) annotations come first, then steps,
 * then log lines and the conclusion, and within one source the first rule in the file. Across jobs, the
 * earliest-ranked winner decides. A job whose annotations or steps already gave a specific signal has its log
 * left unread (nothing in it could change the decision). Logs are read as streams, line by line, and only the
 * first line each rule matched is kept. Like GitLab's {@code retry:when} and Jenkins Naginator's regexes, but
 * one ordered list for conclusions, steps and lines.
 */
@Component("failureClassifier")
public class FailureClassifier {

    public static final String SCAN = "classificationScan";
    /** The failed job being read (a JsonNode from the jobs list) while its annotations and log are fetched. */
    public static final String JOB = "classificationJob";
    /** Its check run id (from check_run_url), or absent when the job has none. */
    public static final String CHECK_RUN_ID = "classificationCheckRunId";
    /** Steps GitHub shows before and after a job's own steps: not the user's. */
    private static final java.util.Set<String> RUNNER_STEPS = java.util.Set.of("Set up job", "Complete job");
    private static final int MAX_LINE = 8_192;
    private static final int KEPT_LINE = 500;
    private static final int MAX_SIGNALS = 20;
    // GitHub prefixes every log line with its time: 2026-11-20T10:00:00.1234567Z
    private static final Pattern TIMESTAMP = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z ");
    /** Lines kept of an unrecognised failure: the last ones that look like errors (else the last lines). */
    static final int ERROR_LINES = 5;
    private static final int ERROR_LINE_LENGTH = 300;
    private static final Pattern ERROR_LIKE = Pattern.compile("(?i)##\\[error]|\\berror\\b|\\bfatal\\b|exception|"
            + "\\bpanic|denied|\\bcannot\\b|can't|\\bunable\\b|not found|\\binvalid\\b|\\bERR!");

    private final RetryPolicy policy;
    private final Sanitizer sanitizer;
    private final List<Rule> rules = new ArrayList<>();
    private final int firstSpecificPatternRule;
    private final KeywordIndex keywords;
    private final long alwaysTried;

    record Rule(int index, String id, String category, String conclusion, String steps, Pattern pattern,
            boolean catchAll) {
    }

    @Autowired
    public FailureClassifier(PolicyFiles policies, Sanitizer sanitizer) {
        this(policies.retryPolicy(), sanitizer);
    }

    /** The classifier of one retry policy, without Spring (the {@code classify} command). */
    public FailureClassifier(RetryPolicy policy, Sanitizer sanitizer) {
        this.policy = policy;
        this.sanitizer = sanitizer;
        int i = 0;
        for (RetryPolicy.ClassificationRule r : policy.classification()) {
            rules.add(new Rule(i++, r.id(), r.category(), r.conclusion(), r.steps(),
                    r.pattern() == null ? null : Pattern.compile(r.pattern()), r.catchAllRule()));
        }
        this.firstSpecificPatternRule = rules.stream().filter(r -> r.pattern() != null && !r.catchAll())
                .mapToInt(Rule::index).findFirst().orElse(-1);
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

    /**
     * Route step per failed job (the body): keeps the job for the steps that follow and describes the call that
     * lists its check run's annotations ({@link #CHECK_RUN_ID} absent when the job names no check run).
     */
    public void annotationsCall(@Body JsonNode job, @ExchangeProperty(ExchangeProperties.REPOSITORY) String repository,
            Exchange exchange) {
        exchange.setProperty(JOB, job);
        exchange.setProperty(ExchangeProperties.JOB_NAME, job.path("name").asText());
        long checkRun = GitHubPaths.checkRunId(job.path("check_run_url").asText(null));
        exchange.removeProperty(GitHubApi.ITEMS_FIELD);
        exchange.removeProperty(GitHubApi.QUERY);
        if (checkRun < 0) {
            exchange.removeProperty(CHECK_RUN_ID);
            return;
        }
        exchange.setProperty(CHECK_RUN_ID, checkRun);
        exchange.setProperty(GitHubApi.PATH, GitHubPaths.checkRunAnnotations(repository, checkRun));
    }

    /** How many times the retry consumer takes a run again because GitHub could not answer its classification. */
    static final int WAITS_FOR_GITHUB = 8;

    /**
     * Route step after each GitHub call of the classification: when GitHub itself could not answer (a 5xx storm
     * outlasting the redeliveries, no answer, the rate limit), the run is not classified on what is missing (it
     * would be "unknown", a final failure never re-run): the evaluation stops and the retry consumer takes the
     * run again after its back-off. A refusal (a lost runner's log is 404) is an answer and goes on. After
     * {@link #WAITS_FOR_GITHUB} tries (about 20 minutes with the shipped back-off) the run is classified on what
     * there is, so a run GitHub never answers for does not come back forever.
     */
    public void requireAnswer(Exchange exchange) {
        dev.selfheal.outbox.Outbox.Event event = exchange.getProperty(ExchangeProperties.OUTBOX_EVENT,
                dev.selfheal.outbox.Outbox.Event.class);
        boolean mayWait = event == null || event.attempts() < WAITS_FOR_GITHUB;
        if (mayWait && GitHubApi.unavailable(exchange)) {
            throw new GitHubUnavailableException("GitHub did not answer " + exchange.getProperty(GitHubApi.PATH)
                    + " (server error, no answer or rate limit): run " + exchange.getProperty(ExchangeProperties.RUN_ID)
                    + " is classified later");
        }
    }

    /** Route step: the annotations listed (the body; anything else = none could be read) go into the scan. */
    public void readAnnotations(Exchange exchange) {
        Scan scan = exchange.getProperty(SCAN, Scan.class);
        String job = exchange.getProperty(ExchangeProperties.JOB_NAME, String.class);
        if (exchange.getMessage().getBody() instanceof List<?> annotations && !GitHubApi.failed(exchange)) {
            for (Object a : annotations) {
                if (a instanceof JsonNode annotation) {
                    scan.annotation(annotation, job);
                }
            }
        }
        exchange.getMessage().setBody(null);
    }

    /** Route step: the job's steps (which failed, whether any of the user's ran, the runner) go into the scan. */
    public void readSteps(@ExchangeProperty(JOB) JsonNode job, @ExchangeProperty(SCAN) Scan scan) {
        scan.steps(job, job.path("name").asText());
    }

    /** Route condition: the log can still change the job's decision (no annotation or step decided it). */
    public boolean logNeeded(@ExchangeProperty(ExchangeProperties.JOB_NAME) String job,
            @ExchangeProperty(SCAN) Scan scan) {
        return scan.logNeeded(job);
    }

    /** Route step per failed job: the call that streams its log. */
    public void jobLogCall(@ExchangeProperty(JOB) JsonNode job,
            @ExchangeProperty(ExchangeProperties.REPOSITORY) String repository, Exchange exchange) {
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

    private static int tier(String source) {
        return switch (source) {
            case Classification.ANNOTATION -> 0;
            case Classification.STEP -> 1;
            default -> 2;
        };
    }

    /**
     * What one failed job showed: the first line each rule matched and where (by rule index; null = not
     * matched), and a summary of its steps.
     */
    private final class JobEvidence {
        private final String job;
        private final String[] firstLine = new String[rules.size()];
        private final String[] source = new String[rules.size()];
        /** The log line number (1-based) of each first line; 0 for a conclusion, an annotation or a step. */
        private final int[] lineNumber = new int[rules.size()];
        private int lines;
        /** For a failure no rule recognises: its first error-like line, the last ones, the last lines at all. */
        private String firstError;
        private final ArrayDeque<String> lastErrors = new ArrayDeque<>(ERROR_LINES);
        private final ArrayDeque<String> lastLines = new ArrayDeque<>(ERROR_LINES);
        private boolean jobLevelFailureAnnotation;
        private String steps;

        private JobEvidence(String job) {
            this.job = job;
        }

        void keep(String text) {
            String line = text.strip();
            if (line.isEmpty()) {
                return;
            }
            if (line.length() > ERROR_LINE_LENGTH) {
                line = line.substring(0, ERROR_LINE_LENGTH) + "...";
            }
            push(lastLines, line);
            if (ERROR_LIKE.matcher(line).find()) {
                if (firstError == null) {
                    firstError = line;
                }
                push(lastErrors, line);
            }
        }

        private static void push(ArrayDeque<String> ring, String line) {
            if (ring.size() == ERROR_LINES) {
                ring.removeFirst();
            }
            ring.addLast(line);
        }

        boolean hasLines() {
            return !lastLines.isEmpty();
        }

        void matched(Rule r, String line, String where) {
            int i = r.index();
            if (firstLine[i] == null || tier(where) < tier(source[i])) {
                firstLine[i] = line;
                source[i] = where;
                lineNumber[i] = Classification.LOG.equals(where) ? lines : 0;
            }
        }

        /**
         * The deciding rule: a specific one before any catch-all; among those, annotations, then steps, then log
         * lines and the conclusion, then the order in the file; null when none.
         */
        Rule winner() {
            Rule specific = null;
            Rule catchAll = null;
            for (Rule r : rules) {
                if (firstLine[r.index()] == null) {
                    continue;
                }
                if (!r.catchAll()) {
                    if (specific == null || tier(source[r.index()]) < tier(source[specific.index()])) {
                        specific = r;
                    }
                } else if (catchAll == null || tier(source[r.index()]) < tier(source[catchAll.index()])) {
                    catchAll = r;
                }
            }
            return specific != null ? specific : catchAll;
        }
    }

    /** One classification in progress: the evidence of each failed job (the run's own conclusion under null). */
    public final class Scan {
        private final Map<String, JobEvidence> jobs = new LinkedHashMap<>();
        private int linesRead;

        private JobEvidence evidence(String jobName) {
            return jobs.computeIfAbsent(jobName == null ? "" : jobName,
                    k -> new JobEvidence(jobName));
        }

        void conclusion(String conclusion, String jobName) {
            if (conclusion == null) {
                return;
            }
            for (Rule r : rules) {
                if (conclusion.equals(r.conclusion())) {
                    evidence(jobName).matched(r, "conclusion: " + conclusion, Classification.CONCLUSION);
                }
            }
        }

        /**
         * One check run annotation of a job (GitHub's shape: path, annotation_level, title, message, ...). Only
         * failure-level annotations are evidence: a warning ("Node.js 16 actions are deprecated", a cache that
         * could not be saved after a 503) never made the job fail, and would outrank the log. Runner-level
         * failures are annotations on the path ".github" (no file of the repository).
         */
        public void annotation(JsonNode annotation, String jobName) {
            if (!"failure".equals(annotation.path("annotation_level").asText())) {
                return;
            }
            JobEvidence ev = evidence(jobName);
            String path = annotation.path("path").asText("");
            if (path.isEmpty() || path.equals(".github")) {
                ev.jobLevelFailureAnnotation = true;
            }
            String title = annotation.path("title").asText("");
            if (!title.isBlank()) {
                line(title, jobName, Classification.ANNOTATION);
            }
            for (String text : annotation.path("message").asText("").split("\\R")) {
                if (!text.isBlank()) {
                    line(text, jobName, Classification.ANNOTATION);
                }
            }
        }

        /**
         * A job's steps ({name, status, conclusion, number, ...}) and runner: which step failed, and whether any
         * step of the user's ran (anything but "Set up job" and "Complete job" finished with success or failure).
         * No user step + a job-level failure annotation = the runner went away before the job's own work
         * (rules with {@code steps: no_user_step_ran}).
         */
        public void steps(JsonNode job, String jobName) {
            JobEvidence ev = evidence(jobName);
            JsonNode failed = null;
            boolean userStepRan = false;
            for (JsonNode step : job.path("steps")) {
                String conclusion = step.path("conclusion").asText("");
                if (failed == null && conclusion.equals("failure")) {
                    failed = step;
                }
                if (!RUNNER_STEPS.contains(step.path("name").asText())
                        && (conclusion.equals("success") || conclusion.equals("failure"))) {
                    userStepRan = true;
                }
            }
            String runner = job.path("runner_name").asText("");
            String summary = (failed == null ? "no step failed" : "failed step " + failed.path("number").asText("?")
                    + " '" + failed.path("name").asText() + "' (" + failed.path("conclusion").asText() + ")")
                    + (userStepRan ? "" : "; no user step ran")
                    + "; runner " + (runner.isBlank() ? "none" : runner);
            ev.steps = sanitizer.sanitize(summary.length() > KEPT_LINE ? summary.substring(0, KEPT_LINE) : summary);
            if (!userStepRan && ev.jobLevelFailureAnnotation) {
                for (Rule r : rules) {
                    if (RetryPolicy.ClassificationRule.NO_USER_STEP_RAN.equals(r.steps())) {
                        ev.matched(r, "no user step ran; runner " + (runner.isBlank() ? "none" : runner),
                                Classification.STEP);
                    }
                }
            }
        }

        /** False when the job's annotations or steps gave a specific signal: no log line can outrank it. */
        public boolean logNeeded(String jobName) {
            JobEvidence ev = jobs.get(jobName == null ? "" : jobName);
            Rule w = ev == null ? null : ev.winner();
            return w == null || w.catchAll() || tier(ev.source[w.index()]) >= tier(Classification.LOG);
        }

        public void read(InputStream in, String jobName) throws IOException {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
            JobEvidence ev = evidence(jobName);
            String raw;
            while ((raw = reader.readLine()) != null) {
                linesRead++;
                line(raw, jobName);
                // nothing can beat the first specific pattern rule in this job: stop reading
                if (firstSpecificPatternRule >= 0 && ev.firstLine[firstSpecificPatternRule] != null) {
                    Rule w = ev.winner();
                    if (w != null && w.index() == firstSpecificPatternRule) {
                        return;
                    }
                }
            }
        }

        /** Offers one log line of a job; true when it changed which rule decides that job. */
        public boolean line(String raw, String jobName) {
            return line(raw, jobName, Classification.LOG);
        }

        private boolean line(String raw, String jobName, String where) {
            String text = TIMESTAMP.matcher(raw.length() > MAX_LINE ? raw.substring(0, MAX_LINE) : raw)
                    .replaceFirst("");
            JobEvidence ev = evidence(jobName);
            if (Classification.LOG.equals(where)) {
                // line numbers and an unknown failure's error lines are the log's: an annotation's text is
                // matched, not kept (its "Process completed with exit code 1." would be every first error line)
                ev.lines++;
                ev.keep(text);
            }
            long candidates = keywords.hits(text) | alwaysTried;
            boolean matched = false;
            Rule before = null;
            for (int i = 0; i < rules.size(); i++) {
                Rule r = rules.get(i);
                if ((ev.firstLine[i] != null && tier(ev.source[i]) <= tier(where)) || r.pattern() == null
                        || (i < 64 && (candidates & (1L << i)) == 0)) {
                    continue;
                }
                if (r.pattern().matcher(text).find()) {
                    if (!matched) {
                        before = ev.winner();
                        matched = true;
                    }
                    ev.matched(r, text.strip(), where);
                }
            }
            return matched && ev.winner() != before;
        }

        /** The log line number (1-based) of the line that decided {@code c}; 0 for a conclusion or no rule. */
        public int lineNumber(Classification c) {
            JobEvidence ev = jobs.get(c.matchedJob() == null ? "" : c.matchedJob());
            if (ev == null || c.ruleId() == null) {
                return 0;
            }
            return rules.stream().filter(r -> r.id().equals(c.ruleId())).findFirst()
                    .map(r -> ev.lineNumber[r.index()]).orElse(0);
        }

        public int linesRead() {
            return linesRead;
        }

        public Classification result() {
            JobEvidence decidingJob = null;
            Rule best = null;
            List<Classification.Signal> signals = new ArrayList<>();
            for (JobEvidence ev : jobs.values()) {
                Rule w = ev.winner();
                if (w != null && (best == null || ranksBefore(w, best))) {
                    best = w;
                    decidingJob = ev;
                }
                for (Rule r : rules) {
                    if (ev.firstLine[r.index()] != null && signals.size() < MAX_SIGNALS) {
                        signals.add(new Classification.Signal(r.id(), r.category(), ev.job, r.catchAll(),
                                ev.source[r.index()]));
                    }
                }
            }
            String category = best == null ? "unknown" : best.category();
            RetryPolicy.Category c = policy.categories().get(category);
            String line = best == null ? null : decidingJob.firstLine[best.index()];
            String kept = line == null ? null : sanitizer.sanitize(
                    line.length() > KEPT_LINE ? line.substring(0, KEPT_LINE) + "..." : line);
            List<String> errorLines = List.of();
            SuggestedRule suggested = null;
            JobEvidence shown = decidingJob;
            if (best == null) {
                shown = jobs.values().stream().filter(ev -> !ev.lastErrors.isEmpty()).findFirst()
                        .orElse(jobs.values().stream().filter(JobEvidence::hasLines).findFirst().orElse(null));
                if (shown != null) {
                    errorLines = (shown.lastErrors.isEmpty() ? shown.lastLines : shown.lastErrors).stream()
                            .map(sanitizer::sanitize).toList();
                    suggested = SuggestedRule.of(sanitizer.sanitize(
                            shown.firstError != null ? shown.firstError : shown.lastLines.peekLast()));
                }
            }
            // the steps of the deciding job; for an unknown failure, of the job shown, else the first with steps
            JobEvidence stepsOf = decidingJob != null ? decidingJob
                    : shown != null && shown.steps != null ? shown
                    : jobs.values().stream().filter(ev -> ev.steps != null).findFirst().orElse(null);
            return new Classification(category, best == null ? null : best.id(), kept,
                    shown == null ? null : shown.job, best == null ? null : decidingJob.source[best.index()],
                    stepsOf == null ? null : stepsOf.steps, policy.isRetryable(category),
                    c == null ? "medium" : c.risk(), c == null ? null : c.fix(), signals, errorLines, suggested);
        }

        // a job decided by a specific rule outranks one decided by a catch-all; then the order in the file
        private boolean ranksBefore(Rule a, Rule b) {
            return a.catchAll() != b.catchAll() ? !a.catchAll() : a.index() < b.index();
        }
    }
}
