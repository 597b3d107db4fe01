package dev.selfheal.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.test.CoreLoopTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * selfheal.rollback.mode defaults to dry-run: the rollback reads GitHub (GETs only, in the protocol's order), and
 * records, notifies and writes the plan with the exact calls it would make; nothing is changed.
 */
class RollbackDryRunChangesNothingTest extends CoreLoopTest {

    @Autowired
    RollbackEngine engine;

    @Test
    void dryRunSendsOnlyReadsAndRecordsThePlannedCalls() throws Exception {
        long wf = 700_000 + newRunId() % 100_000;
        RollbackGitHub gh = new RollbackGitHub(wm, wf).stubWorkflow().stubRuns(wf * 10 + 1, List.of(wf * 10 + 2),
                List.of(wf * 10 + 3));
        String w = gh.workflowPath();

        Rollback rollback = engine.request(RollbackGitHub.REPO, gh.file, "deploys keep failing", "alice");

        assertThat(gh.calls()).containsExactly(
                "GET " + gh.base + "/workflows/" + gh.file,
                "GET " + w + "/runs?status=success&per_page=1",
                "GET " + w + "/runs?status=queued&per_page=100",
                "GET " + w + "/runs?status=in_progress&per_page=100",
                "GET " + w);
        assertThat(rollback.outcome()).isEqualTo("planned");

        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM phase4_rollback_log WHERE id = ?", rollback.logId());
        assertThat(row).containsEntry("mode", "dry-run").containsEntry("outcome", "planned")
                .containsEntry("trigger", "api").containsEntry("actor", "alice").containsEntry("workflow_id", wf)
                .containsEntry("healthy_sha", RollbackGitHub.SHA).containsEntry("healthy_run_id", wf * 10 + 1);
        JsonNode steps = new ObjectMapper().readTree(row.get("steps").toString());
        assertThat(steps.findValuesAsText("call")).contains("PUT " + w + "/disable",
                "POST " + gh.base + "/runs/" + (wf * 10 + 2) + "/cancel", "POST " + gh.base + "/runs/" + (wf * 10 + 3)
                        + "/cancel");
        for (JsonNode step : steps) {
            if (!step.path("call").asText().startsWith("GET") && !step.path("call").asText().equals("-")) {
                assertThat(step.path("status").asText()).as(step.toString()).isEqualTo("planned");
            }
        }

        Map<String, Object> event = jdbc.queryForMap("SELECT event_type, payload->>'mode' AS mode FROM phase4_events "
                + "WHERE id = ?", row.get("event_id"));
        assertThat(event).containsEntry("event_type", "rollback").containsEntry("mode", "dry-run");

        Path report = Path.of((String) row.get("report_file"));
        assertThat(report.getFileName().toString()).startsWith("ROLLBACK_octo-org_octo-repo_" + gh.file + "_")
                .endsWith("Z.md");
        assertThat(Files.readString(report)).contains("Mode **dry-run**", "`PUT " + w + "/disable` | planned",
                RollbackGitHub.SHA);
    }
}
