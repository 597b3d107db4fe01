package dev.selfheal.evidence;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.notification.NotificationTestSupport;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.CoreLoopProperties;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.SelfhealTest;
import dev.selfheal.test.TestPolicies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The evidence volume is full (its free space below {@code selfheal.evidence.min-free-bytes}, as a full disk would
 * be): collecting a run's evidence fails with a clear "No space left on device" line, the failure is an alert (the
 * detection rule on failed evidence deliveries, notified like every detection), no file of the run appears (no
 * half-written file, no temp file left behind) and the core loop keeps working; when space returns, the same
 * delivery collects the evidence, byte-exact, and the day's manifest lists it.
 */
@SelfhealTest
@ExtendWith(OutputCaptureExtension.class)
class EvidenceVolumeFullTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        CoreLoopProperties.register(registry, wm, TestPolicies::fast);
        registry.add("selfheal.outbox.evidence.poll-period", () -> "200ms");
        registry.add("selfheal.outbox.evidence.poll-delay", () -> "200ms");
        registry.add("selfheal.outbox.evidence.retry-delay", () -> "1s");
        registry.add("selfheal.outbox.evidence.max-retry-delay", () -> "1s");
    }

    @BeforeAll
    static void settle() {
        NotificationTestSupport.settleLeftoverDeliveries();
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Outbox outbox;
    @Autowired
    SelfhealProperties properties;

    @AfterEach
    void spaceBack() {
        AtomicFiles.keepFree(0);
    }

    @Test
    void fullVolumeFailsCleanlyAlertsAndRecoversWhenSpaceReturns(CapturedOutput output) throws Exception {
        GitHubStandIn github = new GitHubStandIn(wm);
        String repo = GitHubStandIn.REPO;
        long runId = System.currentTimeMillis() * 10 + 3;
        Instant completed = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String api = wm.baseUrl();
        var run = GitHubFixtures.workflowRun(api, repo, runId, 1, 77, "CI", "failure", completed.minusSeconds(300),
                completed);
        wm.stubFor(get(urlPathEqualTo("/repos/" + repo + "/actions/runs/" + runId)).willReturn(okJson(run.toString())));
        wm.stubFor(get(urlPathEqualTo("/repos/" + repo + "/actions/runs/" + runId + "/artifacts")).willReturn(okJson(
                "{\"total_count\": 1, \"artifacts\": [{\"id\": 21, \"name\": \"test-reports\", "
                        + "\"size_in_bytes\": 300000, \"expired\": false}]}")));
        byte[] artifact = new byte[300_000];
        new Random(21).nextBytes(artifact);
        wm.stubFor(get(urlPathEqualTo("/repos/" + repo + "/actions/artifacts/21/zip")).willReturn(aResponse()
                .withStatus(302).withHeader("Location", api + "/storage/artifact-21?sig=abc")));
        wm.stubFor(get(urlPathEqualTo("/storage/artifact-21")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/zip").withBody(artifact)));
        wm.stubFor(get(urlPathEqualTo("/repos/" + repo + "/actions/runs/" + runId + "/logs")).willReturn(aResponse()
                .withStatus(302).withHeader("Location", api + "/storage/logs-" + runId)));
        wm.stubFor(get(urlPathEqualTo("/storage/logs-" + runId)).willReturn(aResponse().withStatus(200)
                .withBody(GitHubFixtures.logsZip(Map.of("build", "Tests: 2 failed\nBUILD FAILURE"), completed))));

        AtomicFiles.keepFree(Long.MAX_VALUE);
        long eventId = outbox.record("final_failure", repo, runId, 1, NotificationTestSupport.finalFailure(repo, runId,
                "deterministic", "Tests: 2 failed"));

        // a clear error, kept on the delivery, which stays pending
        await().atMost(Duration.ofSeconds(30)).until(() -> lastError(eventId) != null
                && lastError(eventId).contains("No space left on device"));
        // the consumer's line says which event, that it is tried again, and why
        await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().lines().anyMatch(l -> l.contains("WARN")
                && l.contains("Outbox consumer evidence: event " + eventId + " failed, tried again later")
                && l.contains("No space left on device") && l.contains("selfheal.evidence.min-free-bytes")));
        assertThat(status(eventId)).isEqualTo("pending");
        Path reports = properties.reportsDir();
        assertThat(filesOf(reports, runId)).as("nothing of the run written, not even in part").isEmpty();
        assertThat(tempFiles(reports)).as("no temp file left behind").isEmpty();

        // the alert: the next run the service takes in finds the failing evidence deliveries (a workflow of its
        // own: a rule fires once per workflow within its window, and other tests share the database)
        var next = GitHubFixtures.workflowRun(api, repo, runId + 1, 1, 78, "Nightly " + runId, "success",
                completed.minusSeconds(60), completed);
        wm.stubFor(get(urlPathEqualTo("/repos/" + repo + "/actions/runs/" + (runId + 1))).willReturn(okJson(next.toString())));
        github.deliverRun(port, next);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT count(*) FROM phase4_events "
                + "WHERE event_type = 'detection' AND payload->>'ruleId' = 'evidence-write-failures' AND id > ?",
                Long.class, eventId) > 0);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_event_deliveries d JOIN phase4_events e "
                + "ON e.id = d.event_id WHERE e.event_type = 'detection' AND e.payload->>'ruleId' = "
                + "'evidence-write-failures' AND e.id > ? AND d.consumer = 'notification'", Long.class, eventId))
                .as("the detection goes to Slack/issues like every detection").isPositive();
        // the core loop went on: the run was taken in and evaluated although the volume is full
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_metrics WHERE run_id = ?", Long.class, runId + 1))
                .isEqualTo(1);

        AtomicFiles.keepFree(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(status(eventId)));
        Path runDir;
        try (Stream<Path> found = Files.find(reports, 4, (p, a) -> p.endsWith("artifacts/" + runId))) {
            runDir = found.findFirst().orElseThrow();
        }
        assertThat(Files.readAllBytes(runDir.resolve("artifact_test-reports.zip"))).isEqualTo(artifact);
        assertThat(runDir.resolve("metadata.json")).exists();
        var manifest = new ObjectMapper().readTree(runDir.getParent().getParent().resolve("_manifest.json").toFile());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(artifact));
        assertThat(manifest.get("entries").findValuesAsText("run_id")).contains(Long.toString(runId));
        assertThat(manifest.toString()).contains(sha);
        // (only this run's folder: the next run's collection may be writing its own files right now)
        assertThat(tempFiles(runDir)).isEmpty();
    }

    private String lastError(long eventId) {
        List<String> e = jdbc.queryForList("SELECT last_error FROM phase4_event_deliveries WHERE event_id = ? AND "
                + "consumer = 'evidence'", String.class, eventId);
        return e.isEmpty() ? null : e.get(0);
    }

    private String status(long eventId) {
        return jdbc.queryForObject("SELECT status FROM phase4_event_deliveries WHERE event_id = ? AND consumer = "
                + "'evidence'", String.class, eventId);
    }

    private static List<Path> filesOf(Path reports, long runId) throws IOException {
        if (!Files.exists(reports)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(reports)) {
            return all.filter(p -> p.toString().contains("/artifacts/" + runId)).filter(Files::isRegularFile).toList();
        }
    }

    private static List<Path> tempFiles(Path reports) throws IOException {
        if (!Files.exists(reports)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(reports)) {
            return all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
