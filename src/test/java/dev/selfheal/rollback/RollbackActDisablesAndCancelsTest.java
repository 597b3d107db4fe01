package dev.selfheal.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * selfheal.rollback.mode=act: the workflow is disabled, its queued and in-progress runs cancelled, in the protocol's
 * order, and the state read back verifies it (disabled_manually); no secret is touched without an allow-list.
 */
class RollbackActDisablesAndCancelsTest extends CoreLoopTest {

    @DynamicPropertySource
    static void act(DynamicPropertyRegistry registry) {
        registry.add("selfheal.rollback.mode", () -> "act");
    }

    @Autowired
    RollbackEngine engine;

    @Test
    void actSendsTheChangesInOrderAndVerifiesTheWorkflowIsDisabled() {
        long wf = 710_000 + newRunId() % 100_000;
        long queued = wf * 10 + 2;
        long running = wf * 10 + 3;
        RollbackGitHub gh = new RollbackGitHub(wm, wf).stubWorkflow().stubRuns(wf * 10 + 1, List.of(queued),
                List.of(running));
        String w = gh.workflowPath();

        Rollback rollback = engine.request(RollbackGitHub.REPO, String.valueOf(wf), "bad release", "bob");

        assertThat(gh.calls()).containsExactly(
                "GET " + w,
                "GET " + w + "/runs?status=success&per_page=1",
                "PUT " + w + "/disable",
                "GET " + w + "/runs?status=queued&per_page=100",
                "GET " + w + "/runs?status=in_progress&per_page=100",
                "POST " + gh.base + "/runs/" + queued + "/cancel",
                "POST " + gh.base + "/runs/" + running + "/cancel",
                "GET " + w);
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM phase4_rollback_log WHERE id = ?", rollback.logId());
        assertThat(row).containsEntry("mode", "act").containsEntry("outcome", "rolled_back")
                .containsEntry("verified", true).containsEntry("workflow_path", ".github/workflows/" + gh.file);
        assertThat(row.get("steps").toString()).contains("selfheal.rollback.removable-secrets is empty");
    }
}
