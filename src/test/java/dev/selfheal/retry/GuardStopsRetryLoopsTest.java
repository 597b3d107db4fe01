package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.test.CoreLoopProperties;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.SelfhealTest;
import dev.selfheal.test.TestPolicies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * CI guard, the rules the scheduler alone would not catch: a workflow whose re-runs keep failing the same way
 * (guard.maxSameCauseFailures other runs within the hour, here 2) is not re-run again (retry_loop); a re-run row
 * over the maximum or of a category that is never retried (a hand-made row, a policy changed since it was
 * scheduled) is never sent.
 */
@SelfhealTest
class GuardStopsRetryLoopsTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void loopLimitTwo(DynamicPropertyRegistry registry) {
        Path config = TestPolicies.fast();
        TestPolicies.edit(config, "phase4-retry-policy.json",
                p -> ((ObjectNode) p.path("guard")).put("maxSameCauseFailures", 2));
        CoreLoopProperties.register(registry, wm, () -> config);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    final long base = System.currentTimeMillis() * 10;

    /** A run of workflow {@code workflowId} whose re-run failed again with {@code category} a minute ago. */
    void rerunFailedAgain(long runId, long workflowId, String category) {
        jdbc.update("INSERT INTO phase4_metrics (run_id, repository, workflow_id, conclusion) VALUES (?, ?, ?, "
                + "'failure')", runId, GitHubStandIn.REPO, workflowId);
        jdbc.update("INSERT INTO phase4_retry_history (original_run_id, repository, attempt, category, "
                + "interval_seconds, due_at, requested_at, completed_at, status, result) VALUES (?, ?, 1, ?, 5, "
                + "now() - interval '2 minutes', now() - interval '2 minutes', now() - interval '1 minute', "
                + "'failed', ?)", runId, GitHubStandIn.REPO, category, category);
    }

    Map<String, Object> row(long runId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList("SELECT status, result FROM "
                + "phase4_retry_history WHERE original_run_id = ? AND status NOT IN ('pending', 'sending')", runId), l -> !l.isEmpty())
                .get(0);
    }

    @Test
    void workflowWhoseRerunsKeepFailingTheSameWayIsNotRerunAgain() {
        long workflowId = 777_000 + base % 1000;
        rerunFailedAgain(base + 1, workflowId, "transient_infrastructure");
        rerunFailedAgain(base + 2, workflowId, "transient_infrastructure");
        GitHubStandIn github = new GitHubStandIn(wm);
        github.stubRerunAccepted();
        long runId = base + 3;
        ObjectNode run = github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST);
        run.put("workflow_id", workflowId);

        github.deliverRun(port, run);

        Map<String, Object> row = row(runId);
        assertThat(row).containsEntry("status", "blocked");
        assertThat((String) row.get("result")).startsWith("guard: retry_loop: 2 other runs of this workflow");
        wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
    }

    @Test
    void differentCauseIsNotALoop() {
        long workflowId = 778_000 + base % 1000;
        rerunFailedAgain(base + 11, workflowId, "timeout");
        rerunFailedAgain(base + 12, workflowId, "timeout");
        GitHubStandIn github = new GitHubStandIn(wm);
        github.stubRerunAccepted();
        long runId = base + 13;
        ObjectNode run = github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST);
        run.put("workflow_id", workflowId);

        github.deliverRun(port, run);

        assertThat(row(runId)).containsEntry("status", "sent");
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
    }

    @Test
    void rowsOverTheMaximumOrOfANonRetryableCategoryAreNeverSent() {
        long overMax = base + 21;
        long deterministic = base + 22;
        for (long runId : new long[] {overMax, deterministic}) {
            jdbc.update("INSERT INTO phase4_metrics (run_id, repository, workflow_id, conclusion) VALUES (?, ?, 1, "
                    + "'failure')", runId, GitHubStandIn.REPO);
        }
        jdbc.update("INSERT INTO phase4_retry_history (original_run_id, repository, attempt, category, "
                + "interval_seconds, due_at, status) VALUES (?, ?, 4, 'transient_infrastructure', 40, now(), "
                + "'pending')", overMax, GitHubStandIn.REPO);
        jdbc.update("INSERT INTO phase4_retry_history (original_run_id, repository, attempt, category, "
                + "interval_seconds, due_at, status) VALUES (?, ?, 1, 'deterministic', 5, now(), 'pending')",
                deterministic, GitHubStandIn.REPO);

        assertThat((String) row(overMax).get("result")).startsWith("guard: max_attempts");
        assertThat((String) row(deterministic).get("result")).startsWith("guard: non_retryable");
        wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(overMax))));
        wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(deterministic))));
        assertThat(jdbc.queryForList("SELECT payload->>'rule' FROM phase4_events WHERE event_type = "
                + "'guard_violation' AND run_id IN (?, ?) ORDER BY run_id", String.class, overMax, deterministic))
                .containsExactly("max_attempts", "non_retryable");
    }
}
