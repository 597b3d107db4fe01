package dev.selfheal.test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.selfheal.sandbox.GitHubFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * GitHub as a WireMock server for the core-loop tests: runs, jobs and job logs in GitHub's shapes (from the
 * octokit payloads), and webhook deliveries signed like GitHub's.
 */
public final class GitHubStandIn {

    public static final String REPO = "octo-org/octo-repo";
    public static final String SECRET = "test-webhook-secret";
    public static final String RUNNER_LOST = "##[error]The hosted runner: GitHub Actions 3 lost communication with "
            + "the server. Anything in your workflow that terminates the runner process can cause this error.";
    public static final String TESTS_FAILED = "FAIL src/app.test.js\nTests: 2 failed, 40 passed\n"
            + "##[error]Process completed with exit code 1.";

    private final WireMockExtension wm;
    private final HttpClient http = HttpClient.newHttpClient();

    public GitHubStandIn(WireMockExtension wm) {
        this.wm = wm;
    }

    public ObjectNode run(long runId, int attempt, String conclusion) {
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return GitHubFixtures.workflowRun(wm.baseUrl(), REPO, runId, attempt, 77, "CI", conclusion,
                end.minusSeconds(300), end);
    }

    /**
     * The run (GET), its jobs for this attempt, the failed job's check run annotations (none) and its log (302 to
     * a blob, as GitHub).
     */
    public ObjectNode stubAttempt(long runId, int attempt, String conclusion, String log) {
        ObjectNode run = run(runId, attempt, conclusion);
        String base = "/repos/" + REPO + "/actions";
        wm.stubFor(get(urlPathEqualTo(base + "/runs/" + runId)).willReturn(okJson(GitHubFixtures.json(run))));
        long jobId = jobId(runId, attempt);
        ObjectNode job = GitHubFixtures.workflowJob(wm.baseUrl(), REPO, runId, attempt, jobId, "build", conclusion,
                Instant.parse(run.get("run_started_at").asText()), Instant.parse(run.get("updated_at").asText()));
        stubJobs(run, job);
        stubAnnotations(jobId);
        wm.stubFor(get(urlPathEqualTo(base + "/jobs/" + jobId + "/logs"))
                .willReturn(aResponse().withStatus(302).withHeader("Location",
                        wm.baseUrl() + "/blobs/job-logs/" + jobId + "?sig=signed")));
        wm.stubFor(get(urlPathEqualTo("/blobs/job-logs/" + jobId)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain").withBody(timestamped(log))));
        return run;
    }

    /** The id of the one job {@link #stubAttempt} gives an attempt (also its check run id). */
    public static long jobId(long runId, int attempt) {
        return runId * 10 + attempt;
    }

    /** The attempt's jobs list: these jobs. */
    public void stubJobs(ObjectNode run, ObjectNode... jobs) {
        wm.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + run.get("id").asLong() + "/attempts/"
                + run.get("run_attempt").asInt() + "/jobs"))
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.jobsPage(jobs)))));
    }

    /** The check run's annotations: job-level ones (path .github) of level failure with these messages. */
    public void stubAnnotations(long checkRunId, String... failureMessages) {
        ObjectNode[] items = new ObjectNode[failureMessages.length];
        for (int i = 0; i < items.length; i++) {
            items[i] = GitHubFixtures.checkRunAnnotation(REPO, "3484a3fb816e0859fd6e1cea078d76385ff50625", "failure",
                    failureMessages[i]);
        }
        wm.stubFor(get(urlPathEqualTo(annotationsPath(checkRunId)))
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.annotations(items)))));
    }

    /**
     * Every first attempt of {@code repository} has one failed job ({@code jobId}) without annotations whose log ends
     * with a lost runner (retryable), whatever the run id: for load, where stubs per run would be too many.
     */
    public static void stubEveryRunLosesItsRunner(com.github.tomakehurst.wiremock.junit.Stubbing wm, String apiUrl,
            String repository, long jobId) {
        java.time.Instant t = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String actions = "/repos/" + repository + "/actions";
        ObjectNode job = GitHubFixtures.workflowJob(apiUrl, repository, 1, 1, jobId, "build", "failure",
                t.minusSeconds(60), t);
        wm.stubFor(get(urlPathMatching(actions + "/runs/\\d+/attempts/1/jobs"))
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.jobsPage(job)))));
        wm.stubFor(get(urlPathEqualTo("/repos/" + repository + "/check-runs/" + jobId + "/annotations"))
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.annotations()))));
        wm.stubFor(get(urlPathEqualTo(actions + "/jobs/" + jobId + "/logs")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl + "/blobs/job-" + jobId)));
        wm.stubFor(get(urlPathEqualTo("/blobs/job-" + jobId)).willReturn(aResponse().withStatus(200)
                .withBody(timestamped("Run build\n" + RUNNER_LOST))));
    }

    public static String annotationsPath(long checkRunId) {
        return "/repos/" + REPO + "/check-runs/" + checkRunId + "/annotations";
    }

    /** The job's log is gone: 404, as GitHub answers for a lost runner's job. */
    public void stubLogMissing(long jobId) {
        wm.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/jobs/" + jobId + "/logs"))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Not Found\",\"documentation_url\":"
                                + "\"https://docs.github.com/rest/actions/workflow-jobs#download-job-logs-for-a-workflow-run\","
                                + "\"status\":\"404\"}")));
    }

    public void stubRerun(MappingBuilder answer) {
        wm.stubFor(answer);
    }

    public void stubRerunAccepted() {
        wm.stubFor(post(urlPathMatching("/repos/" + REPO + "/actions/runs/\\d+/rerun-failed-jobs")).atPriority(10)
                .willReturn(aResponse().withStatus(201)));
    }

    /**
     * The run's re-run POST is first answered {@code status} with {@code Retry-After} (a rate limit: 429, or 403 for
     * GitHub's secondary limit) and {@code message}, then accepted (201).
     */
    public void stubRerunWaitThenAccept(long runId, int status, int retryAfterSeconds, String message) {
        String path = rerunPath(runId);
        String scenario = "wait-" + runId;
        wm.stubFor(post(urlPathEqualTo(path)).atPriority(1).inScenario(scenario).whenScenarioStateIs(STARTED)
                .willSetStateTo("later").willReturn(aResponse().withStatus(status)
                        .withHeader("Retry-After", String.valueOf(retryAfterSeconds))
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"" + message + "\"}")));
        wm.stubFor(post(urlPathEqualTo(path)).atPriority(1).inScenario(scenario).whenScenarioStateIs("later")
                .willReturn(aResponse().withStatus(201)));
    }

    public static String rerunPath(long runId) {
        return "/repos/" + REPO + "/actions/runs/" + runId + "/rerun-failed-jobs";
    }

    public static String timestamped(String log) {
        StringBuilder b = new StringBuilder();
        for (String line : log.split("\n", -1)) {
            b.append("2026-11-20T10:01:02.1234567Z ").append(line).append('\n');
        }
        return b.toString();
    }

    /** The webhook payload GitHub sends for a completed run (octokit's workflow_run.completed, retargeted). */
    public static String workflowRunEvent(ObjectNode run) {
        ObjectNode event = GitHubFixtures.payload("workflow_run__completed.payload.json");
        event.set("workflow_run", run);
        ((ObjectNode) event.get("repository")).put("full_name", REPO);
        return GitHubFixtures.json(event);
    }

    public static String sign(String body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** POSTs a delivery to the service's webhook; returns the answer. */
    public HttpResponse<String> deliver(int port, String event, String body, String signature, String deliveryId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/webhooks/github"))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", event)
                .header("User-Agent", "GitHub-Hookshot/abc123")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        if (deliveryId != null) {
            request.header("X-GitHub-Delivery", deliveryId);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A correctly signed workflow_run delivery of {@code run}. */
    public HttpResponse<String> deliverRun(int port, ObjectNode run) {
        String body = workflowRunEvent(run);
        return deliver(port, "workflow_run", body, sign(body, SECRET), UUID.randomUUID().toString());
    }

    public List<LoggedRequest> requests() {
        return wm.getAllServeEvents().stream().map(e -> e.getRequest()).sorted(
                (a, b) -> a.getLoggedDate().compareTo(b.getLoggedDate())).map(r -> (LoggedRequest) r).toList();
    }

    /** "METHOD path" of every request, in order. */
    public List<String> calls() {
        return requests().stream().map(r -> r.getMethod() + " " + URI.create(r.getUrl()).getPath()).toList();
    }
}
