package dev.selfheal.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GitHub REST API and a Slack incoming webhook on a local port (WireMock), speaking their real formats. The
 * demo profile runs it in-process with four repositories:
 * <ul>
 * <li>{@code demo/healthy}: its run succeeded;</li>
 * <li>{@code demo/flaky}: its run failed because the hosted runner lost communication (transient); a re-run of
 * the failed jobs succeeds;</li>
 * <li>{@code demo/broken}: its run failed in its tests (deterministic);</li>
 * <li>{@code demo/no-dispatch}: dispatching its workflow answers 422 "Workflow does not have
 * 'workflow_dispatch' trigger".</li>
 * </ul>
 * Lists answer with an ETag and 304 to a matching If-None-Match, as GitHub does.
 */
public class GitHubSandbox implements AutoCloseable {

    public static final List<String> REPOSITORIES = List.of("demo/healthy", "demo/flaky", "demo/broken",
            "demo/no-dispatch");
    public static final String SLACK_PATH = "/slack/services/T0SANDBOX/B0SANDBOX/sandbox";
    public static final String TRANSIENT_LOG = "##[error]The hosted runner: GitHub Actions 2 lost communication "
            + "with the server. Anything in your workflow that terminates the runner process, starves it for CPU/"
            + "Memory, or blocks its network access can cause this error.";
    public static final String DETERMINISTIC_LOG = "Tests run: 120, Failures: 3, Errors: 0, Skipped: 0\n"
            + "[ERROR] BUILD FAILURE\n##[error]Process completed with exit code 1.";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GitHubSandbox.class);

    private final WireMockServer server;
    /** Slack messages the sandbox received, newest last (the demo shows them; the request journal is off). */
    private final java.util.Deque<String> slackMessages = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    public GitHubSandbox(int port) {
        this.server = new WireMockServer(options().bindAddress("127.0.0.1").port(port)
                .disableRequestJournal().asynchronousResponseEnabled(false));
        server.addMockServiceRequestListener((request, response) -> {
            if (request.getUrl().startsWith(SLACK_PATH)) {
                String body = request.getBodyAsString();
                slackMessages.addLast(body);
                while (slackMessages.size() > 100) {
                    slackMessages.pollFirst();
                }
                // the console gets the message's text; the Block Kit payload only at DEBUG
                LOG.info("Slack message captured by the sandbox: {}", summary(body));
                LOG.debug("Slack payload: {}", body);
            }
        });
        server.start();
        seedDemo();
    }

    /** The message's plain-text line (Slack's fallback {@code text}), one line, at most 200 characters. */
    static String summary(String body) {
        try {
            String text = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("text").asText("");
            text = text.isBlank() ? "(no text field)" : text.replaceAll("\\s+", " ").strip();
            return text.length() > 200 ? text.substring(0, 200) + "..." : text;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "(not JSON, " + body.length() + " characters)";
        }
    }

    public WireMockServer server() {
        return server;
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The Slack messages received so far (at most the last 100), oldest first. */
    public List<String> slackMessages() {
        return List.copyOf(slackMessages);
    }

    public String slackWebhookUrl() {
        return apiUrl() + SLACK_PATH;
    }

    @Override
    public void close() {
        server.stop();
    }

    private void seedDemo() {
        String api = apiUrl();
        Instant started = now.minus(6, ChronoUnit.MINUTES);
        Instant completed = now.minus(1, ChronoUnit.MINUTES);

        stubRun("demo/healthy", GitHubFixtures.workflowRun(api, "demo/healthy", 1001, 1, 101, "CI", "success",
                started, completed), Map.of("build", "All 120 tests passed"), "success");
        stubRun("demo/broken", GitHubFixtures.workflowRun(api, "demo/broken", 3001, 1, 301, "CI", "failure",
                started, completed), Map.of("test", DETERMINISTIC_LOG), "failure");
        stubRun("demo/no-dispatch", GitHubFixtures.workflowRun(api, "demo/no-dispatch", 4001, 1, 401, "Nightly",
                "success", started, completed), Map.of("build", "ok"), "success");
        server.stubFor(post(urlPathEqualTo("/repos/demo/no-dispatch/actions/workflows/401/dispatches"))
                .willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Workflow does not have 'workflow_dispatch' trigger\","
                                + "\"documentation_url\":\"https://docs.github.com/rest/actions/workflows"
                                + "#create-a-workflow-dispatch-event\",\"status\":\"422\"}")));

        // demo/flaky: failed attempt 1 until the failed jobs are re-run, then attempt 2 succeeded
        String flaky = "demo/flaky";
        ObjectNode failed = GitHubFixtures.workflowRun(api, flaky, 2001, 1, 201, "CI", "failure", started, completed);
        ObjectNode healed = GitHubFixtures.workflowRun(api, flaky, 2001, 2, 201, "CI", "success", started, now);
        stubRun(flaky, failed, Map.of("build", TRANSIENT_LOG), "failure");
        server.stubFor(post(urlPathEqualTo("/repos/demo/flaky/actions/runs/2001/rerun-failed-jobs"))
                .inScenario("flaky").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("re-run")
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{}")));
        server.stubFor(get(urlPathEqualTo("/repos/demo/flaky/actions/runs/2001"))
                .inScenario("flaky").whenScenarioStateIs("re-run").willReturn(okJson(GitHubFixtures.json(healed))));
        server.stubFor(get(urlPathEqualTo("/repos/demo/flaky/actions/runs"))
                .inScenario("flaky").whenScenarioStateIs("re-run")
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.runsPage(healed)))
                        .withHeader("ETag", "W/\"flaky-2\"")));
        server.stubFor(get(urlPathEqualTo("/repos/demo/flaky/actions/runs")).atPriority(1)
                .withHeader("If-None-Match", equalTo("W/\"flaky-2\"")).inScenario("flaky").whenScenarioStateIs("re-run")
                .willReturn(aResponse().withStatus(304).withHeader("ETag", "W/\"flaky-2\"")));

        // the generic write calls every repository accepts
        server.stubFor(post(urlPathMatching("/repos/[^/]+/[^/]+/actions/runs/\\d+/(rerun|rerun-failed-jobs)"))
                .atPriority(10).willReturn(aResponse().withStatus(201).withHeader("Content-Type",
                        "application/json").withBody("{}")));
        server.stubFor(post(urlPathMatching("/repos/[^/]+/[^/]+/actions/runs/\\d+/cancel")).atPriority(10)
                .willReturn(aResponse().withStatus(202).withBody("{}")));
        server.stubFor(post(urlPathMatching("/repos/[^/]+/[^/]+/actions/workflows/[^/]+/dispatches"))
                .atPriority(10).willReturn(aResponse().withStatus(204)));
        server.stubFor(put(urlPathMatching("/repos/[^/]+/[^/]+/actions/workflows/[^/]+/(enable|disable)"))
                .atPriority(10).willReturn(aResponse().withStatus(204)));
        server.stubFor(get(urlPathMatching("/repos/[^/]+/[^/]+/actions/secrets")).atPriority(10)
                .willReturn(okJson("{\"total_count\":1,\"secrets\":[{\"name\":\"DEPLOY_KEY\","
                        + "\"created_at\":\"2026-01-10T10:00:00Z\",\"updated_at\":\"2026-01-10T10:00:00Z\"}]}")));
        server.stubFor(delete(urlPathMatching("/repos/[^/]+/[^/]+/actions/secrets/[^/]+")).atPriority(10)
                .willReturn(aResponse().withStatus(204)));
        server.stubFor(get(urlPathMatching("/repos/[^/]+/[^/]+/issues")).atPriority(10).willReturn(okJson("[]")));
        // the links name the repository of the request, as GitHub's do (https://github.com/owner/repo/issues/1)
        String repo = "https://github.com/{{request.pathSegments.[1]}}/{{request.pathSegments.[2]}}/issues/";
        server.stubFor(post(urlPathMatching("/repos/([^/]+)/([^/]+)/issues")).atPriority(10)
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":9001,\"number\":1,\"state\":\"open\",\"html_url\":"
                                + "\"" + repo + "1\",\"title\":\"sandbox issue\"}")
                        .withTransformers("response-template")));
        server.stubFor(post(urlPathMatching("/repos/[^/]+/[^/]+/issues/\\d+/comments")).atPriority(10)
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":9101,\"html_url\":\"" + repo
                                + "{{request.pathSegments.[4]}}#issuecomment-9101\"}")
                        .withTransformers("response-template")));

        // Slack incoming webhook: 200 "ok", as Slack answers
        server.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain").withBody("ok")));
    }

    /** Run list (with ETag/304), the run, its jobs, its log zip (302 to a blob URL) and an artifact. */
    private void stubRun(String repository, ObjectNode run, Map<String, String> logs, String jobConclusion) {
        String api = apiUrl();
        String base = "/repos/" + repository + "/actions";
        long runId = run.get("id").asLong();
        int attempt = run.get("run_attempt").asInt();
        String etag = "W/\"" + repository.replace('/', '-') + "-" + runId + "-" + attempt + "\"";
        Instant started = Instant.parse(run.get("run_started_at").asText());
        Instant completed = Instant.parse(run.get("updated_at").asText());

        var notModified = get(urlPathEqualTo(base + "/runs")).withHeader("If-None-Match", equalTo(etag)).atPriority(1)
                .willReturn(aResponse().withStatus(304).withHeader("ETag", etag));
        // demo/flaky's list changes when its failed jobs are re-run: its 304 holds only until then
        server.stubFor(repository.equals("demo/flaky")
                ? notModified.inScenario("flaky").whenScenarioStateIs(Scenario.STARTED) : notModified);
        server.stubFor(get(urlPathEqualTo(base + "/runs")).atPriority(5)
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.runsPage(run))).withHeader("ETag", etag)
                        .withHeader("X-RateLimit-Limit", "5000").withHeader("X-RateLimit-Remaining", "4999")));
        server.stubFor(get(urlPathEqualTo(base + "/runs/" + runId)).atPriority(5)
                .willReturn(okJson(GitHubFixtures.json(run))));

        Map<String, String> ordered = new LinkedHashMap<>(logs);
        ObjectNode[] jobs = new ObjectNode[ordered.size()];
        int i = 0;
        for (String job : ordered.keySet()) {
            jobs[i] = GitHubFixtures.workflowJob(api, repository, runId, attempt, runId * 10 + i, job, jobConclusion,
                    started, completed);
            i++;
        }
        String jobsJson = GitHubFixtures.json(GitHubFixtures.jobsPage(jobs));
        i = 0;
        for (Map.Entry<String, String> job : ordered.entrySet()) {
            long jobId = jobs[i++].get("id").asLong();
            String jobBlob = "/sandbox-blobs/job-logs/" + jobId + ".txt";
            // the job's check run annotations: none (the demo's logs carry the failure lines)
            server.stubFor(get(urlPathEqualTo("/repos/" + repository + "/check-runs/" + jobId + "/annotations"))
                    .atPriority(5).willReturn(okJson(GitHubFixtures.json(GitHubFixtures.annotations()))));
            server.stubFor(get(urlPathEqualTo("/repos/" + repository + "/actions/jobs/" + jobId + "/logs"))
                    .atPriority(5).willReturn(aResponse().withStatus(302).withHeader("Location", api + jobBlob)));
            StringBuilder text = new StringBuilder();
            for (String line : job.getValue().split("\n", -1)) {
                text.append(started).append(' ').append(line).append('\n');
            }
            server.stubFor(get(urlPathEqualTo(jobBlob)).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "text/plain").withBody(text.toString())));
        }
        server.stubFor(get(urlPathEqualTo(base + "/runs/" + runId + "/jobs")).atPriority(5)
                .willReturn(okJson(jobsJson)));
        server.stubFor(get(urlPathMatching(base + "/runs/" + runId + "/attempts/\\d+/jobs")).atPriority(5)
                .willReturn(okJson(jobsJson)));

        String blob = "/sandbox-blobs/logs/" + runId + ".zip";
        server.stubFor(get(urlPathEqualTo(base + "/runs/" + runId + "/logs")).atPriority(5)
                .willReturn(aResponse().withStatus(302).withHeader("Location", api + blob)));
        server.stubFor(get(urlPathEqualTo(blob)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/zip").withBody(GitHubFixtures.logsZip(ordered, started))));

        long artifactId = runId * 100;
        byte[] artifact = GitHubFixtures.zip(Map.of("report.txt", ("results of run " + runId).getBytes()));
        server.stubFor(get(urlPathEqualTo(base + "/runs/" + runId + "/artifacts")).atPriority(5)
                .willReturn(okJson("{\"total_count\":1,\"artifacts\":[{\"id\":" + artifactId
                        + ",\"node_id\":\"MDg6QXJ0aWZhY3Q" + artifactId + "\",\"name\":\"test-results\","
                        + "\"size_in_bytes\":" + artifact.length + ",\"url\":\"" + api + base + "/artifacts/"
                        + artifactId + "\",\"archive_download_url\":\"" + api + base + "/artifacts/" + artifactId
                        + "/zip\",\"expired\":false,\"created_at\":\"" + completed + "\",\"updated_at\":\""
                        + completed + "\",\"expires_at\":\"" + completed.plus(90, ChronoUnit.DAYS)
                        + "\",\"workflow_run\":{\"id\":" + runId + ",\"head_branch\":\"main\",\"head_sha\":\""
                        + run.get("head_sha").asText() + "\"}}]}")));
        String artifactBlob = "/sandbox-blobs/artifacts/" + artifactId + ".zip";
        server.stubFor(get(urlPathEqualTo(base + "/artifacts/" + artifactId + "/zip")).atPriority(5)
                .willReturn(aResponse().withStatus(302).withHeader("Location", api + artifactBlob)));
        server.stubFor(get(urlPathEqualTo(artifactBlob)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/zip").withBody(artifact)));
    }
}
