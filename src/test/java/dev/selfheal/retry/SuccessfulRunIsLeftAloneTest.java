package dev.selfheal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.test.CoreLoopTest;
import org.junit.jupiter.api.Test;

/** A successful run is recorded and nothing is re-run or fetched. */
class SuccessfulRunIsLeftAloneTest extends CoreLoopTest {

    @Test
    void successIsRecordedAndNothingIsCalled() {
        long runId = newRunId();
        ObjectNode run = github.run(runId, 1, "success");

        assertThat(github.deliverRun(port, run).statusCode()).isEqualTo(202);

        eventually(() -> jdbc.queryForObject("SELECT count(*) FROM phase4_event_deliveries d JOIN phase4_events e "
                + "ON e.id = d.event_id WHERE e.run_id = ? AND d.consumer = 'retry' AND d.status = 'done'",
                Integer.class, runId), n -> n == 1);
        assertThat(github.calls()).isEmpty();
        assertThat(metrics(runId)).containsEntry("conclusion", "success").containsEntry("final_failure", false)
                .containsEntry("retry_count", 0);
        assertThat(retries(runId)).isEmpty();
        assertThat(events(runId)).containsExactly("run_completed");
        // GitHub's run_number is kept (RUNS_SUMMARY.json said run_number null)
        assertThat(jdbc.queryForObject("SELECT run_number FROM phase4_metrics WHERE run_id = ?", Integer.class, runId))
                .isEqualTo(run.get("run_number").asInt());
        assertThat(jdbc.queryForObject("SELECT (payload->>'runNumber')::int FROM phase4_events WHERE run_id = ? "
                + "AND event_type = 'run_completed'", Integer.class, runId)).isEqualTo(run.get("run_number").asInt());
    }
}
