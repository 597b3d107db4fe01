package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import dev.selfheal.notification.NotificationTestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Evidence beyond the log line: a failed job's check run annotations and steps decide when its log is missing,
 * and every decision says which evidence decided it (retry row, events, audit ticket, Slack).
 */
class EvidenceBeyondTheLogTest extends CoreLoopTest {

    // failure corpus runner.json, runner-lost-hosted-macos (fedimint/fedimint#6021): shown as an annotation
    static final String LOST_COMMUNICATION = "The hosted runner: GitHub Actions 9 lost communication with the server. "
            + "Anything in your workflow that terminates the runner process, starves it for CPU/Memory, or blocks its "
            + "network access can cause this error.";
    // the annotation the runner leaves for a step that exited non-zero
    static final String EXIT_CODE_1 = "Process completed with exit code 1.";

    @RegisterExtension
    static WireMockExtension slack = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String SLACK_PATH = "/services/T0TEST/B0TEST/evidencetestpath";

    @DynamicPropertySource
    static void notifications(DynamicPropertyRegistry registry) {
        registry.add("selfheal.slack.webhook-url", () -> slack.baseUrl() + SLACK_PATH);
        NotificationTestSupport.fastConsumers(registry);
    }

    @Autowired
    ReportFolders folders;

    /** Deliveries other test classes left pending in the shared database would hold up this one's. */
    @BeforeAll
    static void settle() {
        NotificationTestSupport.settleLeftoverDeliveries();
    }

    /** GitHub calls about runs (issue calls of other tests' leftover events are left out). */
    private List<String> runCalls() {
        return github.calls().stream().filter(c -> !c.contains("/issues")).toList();
    }

    @BeforeEach
    void slackAndIssues() {
        slack.resetAll();
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        wm.stubFor(get(urlPathMatching("/repos/.*/issues")).willReturn(okJson("[]")));
        wm.stubFor(post(urlPathMatching("/repos/.*/issues")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"number\":7,\"html_url\":\"https://github.com/octo-org/octo-repo/issues/7\",\"state\":\"open\"}")));
    }

    /** The attempt's one failed job, with these steps (name, conclusion; null = never ran). */
    private ObjectNode failedJob(ObjectNode run, String... steps) {
        long runId = run.get("id").asLong();
        int attempt = run.get("run_attempt").asInt();
        Instant started = Instant.parse(run.get("run_started_at").asText());
        ObjectNode job = GitHubFixtures.workflowJob(wm.baseUrl(), GitHubStandIn.REPO, runId, attempt,
                GitHubStandIn.jobId(runId, attempt), "build", "failure", started,
                Instant.parse(run.get("updated_at").asText()));
        job.set("steps", GitHubFixtures.steps(started, steps));
        github.stubJobs(run, job);
        return job;
    }

    private List<String> slackMessages(long runId) {
        return slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_PATH))).stream().map(r -> r.getBodyAsString())
                .filter(b -> b.contains(String.valueOf(runId))).toList();
    }

    @Test
    void lostRunnerWithoutALogIsReRunOnceOnItsAnnotation() {
        long runId = newRunId();
        long jobId = GitHubStandIn.jobId(runId, 1);
        github.stubRerunAccepted();
        ObjectNode failed = github.stubAttempt(runId, 1, "failure", "");
        failedJob(failed, "Set up job", "success", "Run actions/checkout@v4", "success", "Run npm test", null,
                "Complete job", null);
        github.stubAnnotations(jobId, LOST_COMMUNICATION);
        github.stubLogMissing(jobId);

        github.deliverRun(port, failed);

        eventually(() -> retries(runId), r -> r.size() == 1 && "sent".equals(r.get(0).get("status")));
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
        assertThat(runCalls()).startsWith(
                "GET /repos/octo-org/octo-repo/actions/runs/" + runId + "/attempts/1/jobs",
                "GET " + GitHubStandIn.annotationsPath(jobId),
                "POST " + GitHubStandIn.rerunPath(runId));
        wm.verify(0, getRequestedFor(urlPathEqualTo("/repos/octo-org/octo-repo/actions/jobs/" + jobId + "/logs")));
        assertThat(jdbc.queryForMap("SELECT category, evidence, reason FROM phase4_retry_history "
                + "WHERE original_run_id = ?", runId))
                .containsEntry("category", "transient_infrastructure")
                .containsEntry("evidence", "annotation, rule runner-lost")
                .containsEntry("reason", LOST_COMMUNICATION);
        assertThat(jdbc.queryForMap("SELECT payload->>'evidence' AS evidence, payload->>'ruleId' AS rule, "
                + "payload->>'evidenceSource' AS source, payload->>'steps' AS steps FROM phase4_events "
                + "WHERE run_id = ? AND event_type = 'failure_classified'", runId))
                .containsEntry("evidence", "annotation, rule runner-lost").containsEntry("rule", "runner-lost")
                .containsEntry("source", "annotation")
                .containsEntry("steps", "no step failed; runner GitHub Actions 5");
        assertThat(metrics(runId)).containsEntry("failure_evidence", "annotation, rule runner-lost");

        // the re-run succeeds: the Slack completion report says what made it worth re-running
        ObjectNode healed = github.stubAttempt(runId, 2, "success", "ok");
        github.deliverRun(port, healed);
        eventually(() -> events(runId), e -> e.contains("recovered"));
        assertThat(jdbc.queryForObject("SELECT payload->>'evidence' FROM phase4_events WHERE run_id = ? "
                + "AND event_type = 'recovered'", String.class, runId)).isEqualTo("annotation, rule runner-lost");
        List<String> messages = eventually(() -> slackMessages(runId), m -> !m.isEmpty());
        assertThat(messages.get(0)).contains("Recovered").contains("annotation, rule runner-lost");
        assertThat(retries(runId)).singleElement().satisfies(r -> assertThat(r).containsEntry("status", "succeeded"));
    }

    @Test
    void exitCodeOfAFailedTestStepIsNotReRunAndSaysSo() throws Exception {
        long runId = newRunId();
        long jobId = GitHubStandIn.jobId(runId, 1);
        github.stubRerunAccepted();
        ObjectNode run = github.stubAttempt(runId, 1, "failure", "");
        failedJob(run, "Set up job", "success", "Run actions/checkout@v4", "success", "Run npm test", "failure",
                "Post Run actions/checkout@v4", "success", "Complete job", "success");
        github.stubAnnotations(jobId, EXIT_CODE_1);
        github.stubLogMissing(jobId);

        github.deliverRun(port, run);

        eventually(() -> events(runId), e -> e.contains("final_failure"));
        assertThat(runCalls()).startsWith(
                "GET /repos/octo-org/octo-repo/actions/runs/" + runId + "/attempts/1/jobs",
                "GET " + GitHubStandIn.annotationsPath(jobId),
                "GET /repos/octo-org/octo-repo/actions/jobs/" + jobId + "/logs");
        wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
        assertThat(retries(runId)).isEmpty();
        assertThat(metrics(runId)).as("the log is 404, the annotation and the step still decide")
                .containsEntry("failure_category", "deterministic").containsEntry("failure_rule", "step-failed")
                .containsEntry("failure_line", EXIT_CODE_1)
                .containsEntry("failure_evidence", "annotation, rule step-failed");
        String steps = "failed step 3 'Run npm test' (failure); runner GitHub Actions 5";
        assertThat(jdbc.queryForMap("SELECT payload->>'evidence' AS evidence, payload->>'steps' AS steps "
                + "FROM phase4_events WHERE run_id = ? AND event_type = 'final_failure'", runId))
                .containsEntry("evidence", "annotation, rule step-failed").containsEntry("steps", steps);

        // the audit ticket of the final failure
        String ticket = eventually(() -> jdbc.queryForList("SELECT t.json_path FROM phase4_audit_tickets t "
                + "JOIN phase4_events e ON e.id = t.event_id WHERE e.run_id = ? AND e.event_type = 'final_failure'",
                String.class, runId), l -> !l.isEmpty()).get(0);
        JsonNode byCause = new ObjectMapper().readTree(Files.readString(folders.root().resolve(ticket)))
                .path("classification").path("byCause");
        assertThat(byCause.path("evidence").asText()).isEqualTo("annotation, rule step-failed");
        assertThat(byCause.path("rule").asText()).isEqualTo("step-failed");
        assertThat(byCause.path("matchedLine").asText()).isEqualTo(EXIT_CODE_1);
        assertThat(byCause.path("steps").asText()).isEqualTo(steps);
        String markdown = Files.readString(folders.root().resolve(ticket.replaceAll("\\.json$", ".md")));
        assertThat(markdown).contains("| Decided by | annotation, rule step-failed |");

        // and the Slack message
        List<String> messages = eventually(() -> slackMessages(runId).stream().filter(m -> m.contains("Final failure"))
                .toList(), m -> !m.isEmpty());
        assertThat(messages.get(0)).contains("annotation, rule step-failed").contains(EXIT_CODE_1)
                .contains("Run npm test");
    }
}
