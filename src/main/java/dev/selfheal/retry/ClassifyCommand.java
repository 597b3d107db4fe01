package dev.selfheal.retry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.selfheal.detection.RunSummary;
import dev.selfheal.github.GitHubPaths;
import dev.selfheal.github.LinkHeader;
import dev.selfheal.policy.JsonPolicyReader;
import dev.selfheal.policy.MaskRules;
import dev.selfheal.policy.PolicyFileException;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.policy.RetryPolicy;
import dev.selfheal.sanitize.Sanitizer;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * {@code selfheal classify}: the classification rules tried on a log without Spring, Camel or a database.
 * <pre>
 * classify [--policy FILE] [--json] LOG_FILE | LOGS_ZIP | owner/repo RUN_ID
 * classify [--policy FILE] --test CORPUS.json|CORPUS_DIR
 * </pre>
 * A log file is one failed job; a logs zip (GitHub's run logs: one {@code <n>_<job>.txt} per job) is read entry
 * by entry, streaming; {@code owner/repo RUN_ID} reads the run's failed jobs and their logs from GitHub
 * ({@code SELFHEAL_GITHUB_TOKEN}, {@code SELFHEAL_GITHUB_API_URL}); a log's redirect to the storage host is
 * followed without the token. {@code --test} runs a corpus in the repository's format and fails on any wrong
 * decision. Exit codes: 0 ok, 1 wrong decisions in {@code --test}, 2 usage or input error.
 */
public final class ClassifyCommand {

    public static final String NAME = "classify";
    static final int OK = 0;
    static final int WRONG = 1;
    static final int USAGE = 2;
    static final String USAGE_TEXT = "usage: selfheal classify [--policy FILE] [--json] LOG_FILE|LOGS_ZIP|owner/repo RUN_ID"
            + "\n       selfheal classify [--policy FILE] --test CORPUS.json|CORPUS_DIR";
    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}");
    private static final Pattern JOB_ENTRY = Pattern.compile("(?:\\d+_)?(.+)\\.txt");
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintStream out;
    private final Map<String, String> env;

    ClassifyCommand(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    /** From {@code SelfhealApplication.main} when the first argument is {@code classify}. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs the command ({@code args} after {@code classify}); returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        try {
            return new ClassifyCommand(out, env).run(args);
        } catch (UsageException e) {
            err.println("selfheal classify: " + e.getMessage() + (e.showUsage ? " (see selfheal classify --help)" : ""));
            return USAGE;
        } catch (PolicyFileException e) {
            err.println("selfheal classify: " + e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println("selfheal classify: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("selfheal classify: interrupted");
            return USAGE;
        }
    }

    private int run(String[] args) throws IOException, InterruptedException {
        Path policyFile = null;
        Path corpus = null;
        boolean json = false;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--policy" -> policyFile = Path.of(value(args, ++i, "--policy"));
                case "--test" -> corpus = Path.of(value(args, ++i, "--test"));
                case "--json" -> json = true;
                case "-h", "--help" -> {
                    out.println(USAGE_TEXT);
                    return OK;
                }
                default -> {
                    if (args[i].startsWith("--")) {
                        throw new UsageException("unknown option " + args[i], true);
                    }
                    positional.add(args[i]);
                }
            }
        }
        if (corpus != null && !positional.isEmpty()) {
            throw new UsageException("--test takes no log or run as well: " + String.join(" ", positional), true);
        }
        if (corpus == null && positional.isEmpty()) {
            throw new UsageException("no log file, logs zip or owner/repo RUN_ID given", true);
        }
        if (positional.size() > 2) {
            throw new UsageException("too many arguments: " + String.join(" ", positional), true);
        }
        FailureClassifier classifier = classifier(policyFile);
        if (corpus != null) {
            return test(classifier, corpus);
        }
        Result result;
        if (positional.size() == 2) {
            result = fromGitHub(classifier, positional.get(0), positional.get(1));
        } else {
            Path log = Path.of(positional.get(0));
            if (!Files.isRegularFile(log)) {
                throw new UsageException(log + ": no such file (give a log file, a logs zip or owner/repo RUN_ID)",
                        false);
            }
            result = isZip(log) ? fromZip(classifier, log) : fromLog(classifier, log);
        }
        print(result, json);
        return OK;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(option + " needs a value", true);
        }
        return args[i];
    }

    // -------------------------------------------------------------------------------------------- the classifier

    /** The policy file: --policy, else $SELFHEAL_CONFIG_DIR/phase4-retry-policy.json, else ./config/. */
    private FailureClassifier classifier(Path policyFile) {
        Path configDir = Path.of(env.getOrDefault("SELFHEAL_CONFIG_DIR", "config"));
        Path policyPath = policyFile != null ? policyFile : configDir.resolve(PolicyFiles.RETRY);
        if (!Files.isRegularFile(policyPath)) {
            throw new UsageException("policy file " + policyPath + " not found (give --policy FILE or set "
                    + "SELFHEAL_CONFIG_DIR)", false);
        }
        // mask rules: next to the policy file, else in the config directory
        Path maskPath = policyPath.toAbsolutePath().resolveSibling(PolicyFiles.MASK);
        if (!Files.isRegularFile(maskPath)) {
            maskPath = configDir.resolve(PolicyFiles.MASK);
        }
        if (!Files.isRegularFile(maskPath)) {
            throw new UsageException("mask rules " + PolicyFiles.MASK + " not found next to " + policyPath + " or in "
                    + configDir + " (lines are shown sanitized)", false);
        }
        RetryPolicy policy = JsonPolicyReader.read(policyPath, RetryPolicy.class);
        MaskRules mask = JsonPolicyReader.read(maskPath, MaskRules.class);
        String token = env.get("SELFHEAL_GITHUB_TOKEN");
        List<String> secrets = token == null || token.isBlank() ? List.of() : List.of(token);
        return new FailureClassifier(policy, new Sanitizer(mask, secrets));
    }

    private record Result(String source, Classification classification, int lineNumber, int jobs, int lines) {
    }

    private static RunSummary localRun(String name) {
        return new RunSummary("local/" + name, 0, 1, null, name, "completed", "failure", null, null, null, null,
                null, null, null, null);
    }

    private Result fromLog(FailureClassifier classifier, Path log) throws IOException {
        FailureClassifier.Scan scan = classifier.start(localRun(log.getFileName().toString()), List.of());
        try (InputStream in = Files.newInputStream(log)) {
            scan.read(in, jobName(log.getFileName().toString()));
        }
        Classification c = scan.result();
        return new Result(log.toString(), c, scan.lineNumber(c), 1, scan.linesRead());
    }

    /**
     * GitHub's run logs zip: a {@code <n>_<job>.txt} per job at the top, and a folder per job with its steps'
     * logs. The top-level files are read when there are any (the folders repeat them), else the folders' files
     * as their job's log.
     */
    private Result fromZip(FailureClassifier classifier, Path zip) throws IOException {
        boolean topLevel = false;
        try (ZipInputStream in = new ZipInputStream(new BufferedInputStream(Files.newInputStream(zip)))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                topLevel |= !e.isDirectory() && !e.getName().contains("/") && e.getName().endsWith(".txt");
            }
        }
        FailureClassifier.Scan scan = classifier.start(localRun(zip.getFileName().toString()), List.of());
        int jobs = 0;
        try (ZipInputStream in = new ZipInputStream(new BufferedInputStream(Files.newInputStream(zip)))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                String name = e.getName();
                if (e.isDirectory() || !name.endsWith(".txt") || name.contains("/") != !topLevel) {
                    continue;
                }
                String job = topLevel ? jobName(name) : name.substring(0, name.indexOf('/'));
                jobs++;
                scan.read(new FilterInputStream(in) {
                    @Override
                    public void close() {
                        // the zip stream stays open for the next entry
                    }
                }, job);
            }
        } catch (java.util.zip.ZipException e) {
            throw new UsageException(zip + ": not a readable zip (" + e.getMessage() + ")", false);
        }
        if (jobs == 0) {
            throw new UsageException(zip + ": no job logs (*.txt) in the zip", false);
        }
        Classification c = scan.result();
        return new Result(zip.toString(), c, scan.lineNumber(c), jobs, scan.linesRead());
    }

    private static String jobName(String fileName) {
        var m = JOB_ENTRY.matcher(fileName);
        return m.matches() ? m.group(1) : fileName;
    }

    private static boolean isZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        }
    }

    // ---------------------------------------------------------------------------------------------------- GitHub

    private Result fromGitHub(FailureClassifier classifier, String repository, String runIdText)
            throws IOException, InterruptedException {
        if (!REPOSITORY.matcher(repository).matches()) {
            throw new UsageException("'" + repository + "' is not owner/repo", true);
        }
        long runId;
        try {
            runId = Long.parseLong(runIdText);
        } catch (NumberFormatException e) {
            throw new UsageException("RUN_ID '" + runIdText + "' is not a number", true);
        }
        String token = env.get("SELFHEAL_GITHUB_TOKEN");
        if (token == null || token.isBlank()) {
            throw new UsageException("SELFHEAL_GITHUB_TOKEN is not set (needed to read " + repository + " run "
                    + runId + ")", false);
        }
        String apiText = env.getOrDefault("SELFHEAL_GITHUB_API_URL", "https://api.github.com");
        URI api = URI.create(apiText.endsWith("/") ? apiText.substring(0, apiText.length() - 1) : apiText);
        GitHub gh = new GitHub(api, token);

        JsonNode runJson = MAPPER.readTree(gh.get(GitHubPaths.run(repository, runId), "run " + runId));
        RunSummary run = RunSummary.from(runJson, repository);
        List<JsonNode> failed = new ArrayList<>();
        String next = api + GitHubPaths.attemptJobs(repository, runId, run.attempt()) + "?per_page=100";
        while (next != null) {
            HttpResponse<byte[]> page = gh.send(URI.create(next), true, "jobs of run " + runId);
            for (JsonNode job : MAPPER.readTree(page.body()).path("jobs")) {
                String c = job.path("conclusion").asText("");
                if (c.equals("failure") || c.equals("timed_out") || c.equals("startup_failure")) {
                    failed.add(job);
                }
            }
            next = page.headers().firstValue("Link").map(LinkHeader::next).orElse(null);
            if (next != null && !next.startsWith(api + "/")) {
                next = null; // never send the token outside the API
            }
        }
        FailureClassifier.Scan scan = classifier.start(run, failed);
        for (JsonNode job : failed) {
            // the steps come with the jobs list; annotations (a call per check run) are not read here
            scan.steps(job, job.path("name").asText());
            try (InputStream log = gh.download(GitHubPaths.jobLogs(repository, job.path("id").asLong()),
                    "log of job " + job.path("name").asText())) {
                scan.read(log, job.path("name").asText());
            }
        }
        Classification c = scan.result();
        return new Result(repository + " run " + runId + " attempt " + run.attempt() + ", " + run.conclusion(),
                c, scan.lineNumber(c), failed.size(), scan.linesRead());
    }

    /** GitHub REST over java.net.http: the token only on the API's own URLs, redirects followed without it. */
    private final class GitHub {
        private final URI api;
        private final String token;
        // redirects by hand: the storage host must not get the token
        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();

        GitHub(URI api, String token) {
            this.api = api;
            this.token = token;
        }

        byte[] get(String path, String what) throws IOException, InterruptedException {
            return send(URI.create(api + path), true, what).body();
        }

        HttpResponse<byte[]> send(URI uri, boolean withToken, String what) throws IOException, InterruptedException {
            HttpResponse<byte[]> r = http.send(request(uri, withToken), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() / 100 != 2) {
                throw failure(r.statusCode(), what, new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return r;
        }

        InputStream download(String path, String what) throws IOException, InterruptedException {
            HttpResponse<InputStream> r = http.send(request(URI.create(api + path), true),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() == 302 || r.statusCode() == 301 || r.statusCode() == 307) {
                r.body().close();
                URI location = URI.create(r.headers().firstValue("Location")
                        .orElseThrow(() -> new IOException(what + ": redirect without Location")));
                // the storage host gets no header of ours: the URL is signed
                r = http.send(request(location, false), HttpResponse.BodyHandlers.ofInputStream());
            }
            if (r.statusCode() / 100 != 2) {
                String body;
                try (InputStream in = r.body()) {
                    body = new String(in.readNBytes(2_000), java.nio.charset.StandardCharsets.UTF_8);
                }
                throw failure(r.statusCode(), what, body);
            }
            return r.body();
        }

        private HttpRequest request(URI uri, boolean withToken) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
            if (withToken) {
                b.header("Authorization", "Bearer " + token).header("Accept", "application/vnd.github+json")
                        .header("X-GitHub-Api-Version", "2022-11-28");
            }
            return b.header("User-Agent", "selfheal-classify").build();
        }

        private UsageException failure(int status, String what, String body) {
            String message = "";
            try {
                message = MAPPER.readTree(body).path("message").asText("");
            } catch (IOException | RuntimeException e) {
                // not GitHub's JSON error: the status says enough
            }
            return new UsageException("GitHub answered " + status + " for " + what
                    + (message.isBlank() ? "" : ": " + message), false);
        }
    }

    // ---------------------------------------------------------------------------------------------------- output

    private void print(Result r, boolean json) throws IOException {
        Classification c = r.classification();
        if (json) {
            out.println(MAPPER.writeValueAsString(json(r)));
            return;
        }
        row("source", r.source() + " (" + r.jobs() + (r.jobs() == 1 ? " job, " : " jobs, ") + r.lines() + " lines)");
        row("category", c.category() + " (risk " + c.risk() + ")");
        row("rule", c.ruleId() == null ? "-" : c.ruleId());
        row("evidence", evidence(c, r.lineNumber()));
        if (c.evidence() != null) {
            row("decided by", c.evidence());
        }
        if (c.steps() != null) {
            row("steps", c.steps());
        }
        row("decision", decision(c) + ": " + c.decision());
        row("signals", c.signals().isEmpty() ? "-" : c.signals().get(0).toString());
        c.signals().stream().skip(1).forEach(s -> row("", s.toString()));
        if (c.fix() != null) {
            row("fix", c.fix());
        }
        if (!c.errorLines().isEmpty()) {
            row("error lines", c.errorLines().get(0));
            c.errorLines().stream().skip(1).forEach(l -> row("", l));
        }
        if (c.suggestedRule() != null) {
            row("suggested", c.suggestedRule().policyRuleJson());
        }
    }

    /** What {@code --json} prints: the event payload's fields, the line number, the decision and the signals. */
    private static Map<String, Object> json(Result r) {
        Classification c = r.classification();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("source", r.source());
        p.putAll(c.payload());
        p.put("lineNumber", r.lineNumber() == 0 ? null : r.lineNumber());
        p.put("decision", decision(c));
        p.put("explanation", c.decision());
        p.put("signals", c.signals().stream().map(Classification.Signal::toString).toList());
        return p;
    }

    /**
     * One job's log classified as {@code classify --json LOG_FILE} prints it (POST /api/v1/classify answers the
     * same); {@code job} names the job (null: unnamed).
     */
    public static Map<String, Object> classifyLog(FailureClassifier classifier, String source, String job,
            InputStream log) throws IOException {
        FailureClassifier.Scan scan = classifier.start(localRun(source), List.of());
        scan.read(log, job);
        Classification c = scan.result();
        return json(new Result(source, c, scan.lineNumber(c), 1, scan.linesRead()));
    }

    private static String decision(Classification c) {
        return c.retryable() ? "re-run" : "not re-run";
    }

    private static String evidence(Classification c, int lineNumber) {
        if (c.ruleId() == null) {
            return "-";
        }
        String job = c.matchedJob() == null || c.matchedJob().isEmpty() ? "the run" : "job '" + c.matchedJob() + "'";
        String source = c.source() != null ? c.source()
                : c.matchedLine() != null && c.matchedLine().startsWith("conclusion: ") ? Classification.CONCLUSION
                : Classification.LOG;
        return switch (source) {
            case Classification.CONCLUSION -> "conclusion of " + job + ": "
                    + (c.matchedLine().startsWith("conclusion: ") ? c.matchedLine().substring("conclusion: ".length())
                    : c.matchedLine());
            case Classification.ANNOTATION -> "annotation of " + job + ": " + c.matchedLine();
            case Classification.STEP -> "steps of " + job + ": " + c.matchedLine();
            default -> "line " + lineNumber + " of " + job + ": " + c.matchedLine();
        };
    }

    private void row(String name, String value) {
        out.printf("%-12s %s%n", name, value);
    }

    // ----------------------------------------------------------------------------------------------------- --test

    private int test(FailureClassifier classifier, Path corpus) throws IOException {
        if (!Files.exists(corpus)) {
            throw new UsageException("corpus " + corpus + " not found", false);
        }
        List<CorpusEntry> entries;
        try {
            entries = CorpusEntry.read(corpus);
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UsageException("corpus " + corpus + ": " + e.getMessage().lines().findFirst().orElse(""), false);
        }
        if (entries.isEmpty()) {
            throw new UsageException("corpus " + corpus + " has no entries", false);
        }
        int failed = 0;
        for (CorpusEntry e : entries) {
            Classification c = e.classify(classifier);
            if (c.retryable() != e.retry() || !c.category().equals(e.category())) {
                failed++;
                out.println("FAIL " + e + ": expected " + e.category() + " (" + (e.retry() ? "re-run" : "not re-run")
                        + "), got " + c.category() + " (" + decision(c) + ") by " + c.decision());
            }
        }
        out.println((entries.size() - failed) + " passed, " + failed + " failed");
        return failed == 0 ? OK : WRONG;
    }

    /** A usage or input error: one line naming what is wrong, exit code 2. */
    static final class UsageException extends RuntimeException {
        private final boolean showUsage;

        UsageException(String message, boolean showUsage) {
            super(message);
            this.showUsage = showUsage;
        }
    }
}
