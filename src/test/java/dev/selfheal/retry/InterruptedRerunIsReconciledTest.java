package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import org.junit.jupiter.api.Test;

/**
 * A process stopped between claiming a re-run and GitHub's answer leaves the row 'sending'. Reconciliation asks
 * GitHub: if the run's attempt moved past it, the re-run went out (sent, no second POST); if not, it is due
 * again and sent once. (The route retry-reconcile runs every 300 ms in these tests, every minute by default, and
 * takes rows left 'sending' for over 10 minutes.)
 */
class InterruptedRerunIsReconciledTest extends CoreLoopTest {

    long staleRow(long runId) {
        jdbc.update("INSERT INTO phase4_metrics (run_id, repository, workflow_id, conclusion) VALUES (?, ?, 77, "
                + "'failure')", runId, GitHubStandIn.REPO);
        return jdbc.queryForObject("INSERT INTO phase4_retry_history (original_run_id, repository, attempt, category, "
                + "interval_seconds, due_at, status, requested_at) VALUES (?, ?, 1, 'transient_infrastructure', 5, "
                + "now() - interval '20 minutes', 'sending', now() - interval '15 minutes') RETURNING id",
                Long.class, runId, GitHubStandIn.REPO);
    }

    @Test
    void rerunThatReachedGitHubIsMarkedSentWithoutASecondPost() {
        long runId = newRunId();
        long row = staleRow(runId);
        wm.stubFor(get(urlPathEqualTo("/repos/" + GitHubStandIn.REPO + "/actions/runs/" + runId))
                .willReturn(okJson(GitHubFixtures.json(github.run(runId, 2, null)))));

        eventually(() -> jdbc.queryForMap("SELECT status, result FROM phase4_retry_history WHERE id = ?", row),
                r -> "sent".equals(r.get("status")));
        assertThat(jdbc.queryForObject("SELECT result FROM phase4_retry_history WHERE id = ?", String.class, row))
                .isEqualTo("reconciled: GitHub shows attempt 2");
        wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
    }

    @Test
    void rerunThatNeverArrivedIsSentOnce() {
        long runId = newRunId();
        long row = staleRow(runId);
        github.stubRerunAccepted();
        wm.stubFor(get(urlPathEqualTo("/repos/" + GitHubStandIn.REPO + "/actions/runs/" + runId))
                .willReturn(okJson(GitHubFixtures.json(github.run(runId, 1, "failure")))));

        eventually(() -> jdbc.queryForObject("SELECT status FROM phase4_retry_history WHERE id = ?", String.class,
                row), "sent"::equals);
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
    }
}
