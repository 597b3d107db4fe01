package dev.selfheal.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The detection rule consecutive-failures (action rollback) starts a rollback of that workflow through the outbox
 * consumer "rollback": the third final failure in a row of a workflow is one rollback (dry run by default), by the
 * rule, with the detection's detail as reason.
 */
class ConsecutiveFailuresStartRollbackTest extends CoreLoopTest {

    @DynamicPropertySource
    static void rollbackConsumer(DynamicPropertyRegistry registry) {
        registry.add("selfheal.outbox.rollback.poll-period", () -> "300ms");
        registry.add("selfheal.outbox.rollback.poll-delay", () -> "1s");
    }

    @Test
    void thirdFinalFailureInARowRollsTheWorkflowBack() {
        long base = newRunId();
        long workflowId = 740_000 + base % 100_000;
        RollbackGitHub gh = new RollbackGitHub(wm, workflowId);
        for (long runId = base; runId < base + 3; runId++) {
            var run = github.stubAttempt(runId, 1, "failure", GitHubStandIn.TESTS_FAILED);
            run.put("workflow_id", workflowId);
            run.put("name", "Deploy-" + workflowId);
            gh.stubWorkflow().stubRuns(base - 1, List.of(), List.of());
            github.deliverRun(port, run);
            long id = runId;
            eventually(() -> events(id), e -> e.contains("final_failure"));
        }

        List<Map<String, Object>> rows = eventually(() -> jdbc.queryForList("SELECT * FROM phase4_rollback_log "
                + "WHERE workflow_id = ?", workflowId), r -> !r.isEmpty());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("trigger", "consecutive_failures")
                .containsEntry("actor", "rule consecutive-failures").containsEntry("mode", "dry-run")
                .containsEntry("outcome", "planned").containsEntry("repository", GitHubStandIn.REPO);
        assertThat((String) rows.get(0).get("reason")).contains("the last 3 runs of Deploy-" + workflowId);
        assertThat(gh.calls()).filteredOn(c -> c.contains("/workflows/" + workflowId)).isNotEmpty()
                .allSatisfy(c -> assertThat(c).startsWith("GET "));
    }
}
