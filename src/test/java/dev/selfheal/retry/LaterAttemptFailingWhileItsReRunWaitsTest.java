package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.test.CoreLoopProperties;
import dev.selfheal.test.DayLogs;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.SelfhealTest;
import dev.selfheal.test.TestPolicies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A person re-runs a run while our re-run of its failed attempt still waits for its back-off, and that later
 * attempt fails too. GitHub re-runs a run's latest attempt, so the waiting re-run already covers the new failure:
 * a retryable one schedules nothing more (before, a second re-run was queued and both went out). A failure that a
 * re-run cannot fix stops the waiting re-run (status {@code superseded}) instead of letting it go out.
 */
@SelfhealTest
class LaterAttemptFailingWhileItsReRunWaitsTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void longBackOff(DynamicPropertyRegistry registry) {
        Path config = TestPolicies.fast();
        // the first re-run waits ten minutes: it is still waiting when the person's attempt fails
        TestPolicies.edit(config, "phase4-retry-policy.json",
                p -> ((ObjectNode) p.path("run").path("backoff")).put("initialSeconds", 600));
        CoreLoopProperties.register(registry, wm, () -> config);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ReportFolders reports;

    GitHubStandIn github;

    @BeforeEach
    void standIn() {
        wm.resetAll();
        github = new GitHubStandIn(wm);
        github.stubRerunAccepted();
    }

    @Test
    void aRetryableFailureOfTheLaterAttemptIsCoveredByTheWaitingReRun() throws Exception {
        long runId = System.currentTimeMillis() * 10 + 1;
        // a person's re-run: attempt 2, failing the same transient way
        personsAttemptFailsWhileOurReRunWaits(runId, GitHubStandIn.RUNNER_LOST);

        assertThat(retries(runId)).as("re-runs of the run").hasSize(1).first()
                .satisfies(r -> assertThat(r).containsEntry("attempt", 1).containsEntry("status", "pending"));
        assertThat(jdbc.queryForList("SELECT event_type FROM phase4_events WHERE run_id = ? AND event_type IN "
                + "('retry_scheduled', 'final_failure')", String.class, runId)).containsExactly("retry_scheduled");
        wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
        assertThat(retryLog(runId)).anySatisfy(line -> assertThat(line).contains(
                "attempt 2 failed while re-run 1 waits for its due time: that re-run covers it"));
    }

    @Test
    void aFailureNoReRunFixesStopsTheWaitingReRun() {
        long runId = System.currentTimeMillis() * 10 + 2;
        // the person's attempt 2 fails on its tests: a re-run cannot fix that
        personsAttemptFailsWhileOurReRunWaits(runId, GitHubStandIn.TESTS_FAILED);

        assertThat(retries(runId)).as("re-runs of the run").hasSize(1).first()
                .satisfies(r -> assertThat(r).containsEntry("attempt", 1).containsEntry("status", "superseded")
                        .satisfies(row -> assertThat((String) row.get("result")).contains("attempt 2")));
        assertThat(jdbc.queryForObject("SELECT final_failure FROM phase4_metrics WHERE run_id = ?", Boolean.class,
                runId)).isTrue();
        // nothing is left due: the dispatcher has no re-run of this run to send
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_retry_history WHERE original_run_id = ? AND "
                + "status = 'pending'", Integer.class, runId)).isZero();
        wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
    }

    /**
     * Attempt 1 lost its runner and our re-run of it waits; then attempt 2 (a person's re-run) fails with
     * {@code log}. Returns when the retry consumer is done with attempt 2.
     */
    void personsAttemptFailsWhileOurReRunWaits(long runId, String log) {
        github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));
        await().atMost(Duration.ofSeconds(30)).until(() -> retries(runId), r -> r.size() == 1);
        github.deliverRun(port, github.stubAttempt(runId, 2, "failure", log));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("""
                SELECT count(*) FROM phase4_event_deliveries d JOIN phase4_events e ON e.id = d.event_id
                 WHERE d.consumer = 'retry' AND d.status = 'done' AND e.run_id = ? AND e.run_attempt = 2
                   AND e.event_type = 'run_completed'""", Integer.class, runId), n -> n == 1);
    }

    /** The retry day logs' lines about the run. */
    List<String> retryLog(long runId) throws java.io.IOException {
        return DayLogs.lines(reports.root(), "retry").stream().filter(l -> l.contains("#" + runId + "#")).toList();
    }

    List<Map<String, Object>> retries(long runId) {
        return jdbc.queryForList("SELECT attempt, status, result FROM phase4_retry_history WHERE original_run_id = ? "
                + "ORDER BY attempt", runId);
    }
}
