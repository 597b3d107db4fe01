package dev.selfheal.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.outbox.Outbox;
import dev.selfheal.test.CoreLoopTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A critical detection about a workflow (a secret exposure) starts a rollback of it; a detection that is neither
 * critical nor asks for a rollback is settled by the rollback consumer without one.
 */
class CriticalDetectionStartsRollbackTest extends CoreLoopTest {

    @DynamicPropertySource
    static void rollbackConsumer(DynamicPropertyRegistry registry) {
        registry.add("selfheal.outbox.rollback.poll-period", () -> "300ms");
        registry.add("selfheal.outbox.rollback.poll-delay", () -> "1s");
    }

    @Autowired
    Outbox outbox;

    @Test
    void criticalDetectionRollsBackAndAPlainOneDoesNot() {
        long workflowId = 750_000 + newRunId() % 100_000;
        RollbackGitHub gh = new RollbackGitHub(wm, workflowId).stubWorkflow().stubRuns(workflowId * 10, List.of(),
                List.of());
        long critical = outbox.record("detection", RollbackGitHub.REPO, null, null, detection(workflowId,
                "secret-in-log", "secret_exposure", "notify"));
        long plain = outbox.record("detection", RollbackGitHub.REPO, null, null, detection(workflowId + 1,
                "slow-run", "slow", "notify"));

        eventually(() -> jdbc.queryForList("SELECT status FROM phase4_event_deliveries WHERE consumer = 'rollback' "
                + "AND event_id IN (?, ?) AND status = 'done'", String.class, critical, plain), d -> d.size() == 2);
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM phase4_rollback_log WHERE workflow_id IN "
                + "(?, ?) OR workflow IN (?, ?)", workflowId, workflowId + 1, String.valueOf(workflowId),
                String.valueOf(workflowId + 1));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("trigger", "critical_detection").containsEntry("workflow_id", workflowId)
                .containsEntry("actor", "rule secret-in-log");
        assertThat(gh.calls()).contains("GET " + gh.workflowPath());
    }

    private static Map<String, Object> detection(long workflowId, String rule, String category, String action) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("ruleId", rule);
        p.put("type", rule);
        p.put("workflowId", workflowId);
        p.put("workflowName", "Deploy");
        p.put("category", category);
        p.put("action", action);
        p.put("detail", rule + " in workflow " + workflowId);
        return p;
    }
}
