package dev.selfheal.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.reports.ReportFolders;
import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Detection rule consecutive-failures (the seed's rollback trigger, 3): the third final failure in a row of one
 * workflow raises a detection event with action rollback, written to the database and to
 * logs/detection_log_YYYYMMDD.log, once.
 */
class ConsecutiveFailuresTriggerRollbackTest extends CoreLoopTest {

    @Autowired
    ReportFolders folders;

    @Test
    void thirdFinalFailureInARowRaisesTheRollbackDetectionOnce() throws Exception {
        long workflowBase = newRunId();
        long[] runs = {workflowBase, workflowBase + 1, workflowBase + 2, workflowBase + 3};
        // a workflow of its own, so other tests' runs do not count
        long workflowId = 900_000 + (workflowBase % 100_000);
        for (long runId : runs) {
            var run = github.stubAttempt(runId, 1, "failure", GitHubStandIn.TESTS_FAILED);
            run.put("workflow_id", workflowId);
            run.put("name", "Deploy-" + workflowId);
            github.deliverRun(port, run);
            eventually(() -> events(runId), e -> e.contains("final_failure"));
        }

        var detections = jdbc.queryForList("SELECT run_id, payload->>'action' AS action, payload->>'ruleId' AS rule "
                + "FROM phase4_events WHERE event_type = 'detection' AND payload->>'ruleId' = 'consecutive-failures' "
                + "AND (payload->>'workflowId')::bigint = ?", workflowId);
        assertThat(detections).as("fires on the third, not again on the fourth within the window").hasSize(1);
        Map<String, Object> d = detections.get(0);
        assertThat(d).containsEntry("action", "rollback").containsEntry("run_id", runs[2]);

        Path log = folders.dayFolder(Instant.now(), "logs")
                .resolve("detection_log_" + ReportFolders.compactDate(Instant.now()) + ".log");
        assertThat(Files.readString(log)).contains("rule consecutive-failures (consecutive_failures) fired, "
                + "action rollback: the last 3 runs of Deploy-" + workflowId);
    }
}
