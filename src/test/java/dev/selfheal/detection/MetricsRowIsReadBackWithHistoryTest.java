package dev.selfheal.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The metrics upserter: every upsert of a run's phase4_metrics row is read back and kept in the history
 * (phase4_metrics_upserts); an earlier attempt delivered after a later one (GitHub does not promise order) does
 * not move the row back to it.
 */
class MetricsRowIsReadBackWithHistoryTest extends CoreLoopTest {

    @Test
    void aLateEarlierAttemptDoesNotOverwriteTheLaterOne() {
        long runId = newRunId();
        var second = github.stubAttempt(runId, 2, "success", "ok");
        github.deliverRun(port, second);
        eventually(() -> history(runId).size(), n -> n == 1);

        var first = github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST);
        github.deliverRun(port, first);
        eventually(() -> history(runId).size(), n -> n == 2);

        assertThat(metrics(runId)).containsEntry("run_attempt", 2).containsEntry("conclusion", "success");
        List<Map<String, Object>> h = history(runId);
        assertThat(h.get(0)).containsEntry("run_attempt", 2).containsEntry("action", "inserted")
                .containsEntry("verified", true);
        assertThat(h.get(1)).containsEntry("run_attempt", 1).containsEntry("action", "kept_later_attempt")
                .containsEntry("verified", true);
        assertThat((String) h.get(1).get("detail")).contains("arrived after attempt 2");
    }

    private List<Map<String, Object>> history(long runId) {
        return jdbc.queryForList("SELECT run_attempt, action, verified, detail FROM phase4_metrics_upserts "
                + "WHERE run_id = ? ORDER BY id", runId);
    }
}
