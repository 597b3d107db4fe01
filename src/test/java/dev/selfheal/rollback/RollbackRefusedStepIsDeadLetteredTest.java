package dev.selfheal.rollback;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * GitHub refusing a step (422 on disable, 404 on a cancel) sends it to the existing GitHub dead letter with its
 * fix; the steps after it still run and are all in the record, and the rollback is partial, not verified.
 */
class RollbackRefusedStepIsDeadLetteredTest extends CoreLoopTest {

    @DynamicPropertySource
    static void act(DynamicPropertyRegistry registry) {
        registry.add("selfheal.rollback.mode", () -> "act");
    }

    @Autowired
    RollbackEngine engine;

    @Test
    void refusedStepsAreDeadLetteredAndTheRestStillReported() {
        long wf = 730_000 + newRunId() % 100_000;
        long gone = wf * 10 + 2;
        long running = wf * 10 + 3;
        RollbackGitHub gh = new RollbackGitHub(wm, wf).stubWorkflow().stubRuns(wf * 10 + 1, List.of(gone),
                List.of(running));
        wm.stubFor(put(urlPathEqualTo(gh.workflowPath() + "/disable")).atPriority(1).willReturn(aResponse()
                .withStatus(422).withHeader("Content-Type", "application/json").withBody(
                        "{\"message\":\"Unable to disable this workflow.\",\"documentation_url\":"
                                + "\"https://docs.github.com/rest/actions/workflows#disable-a-workflow\",\"status\":\"422\"}")));
        wm.stubFor(post(urlPathEqualTo(gh.base + "/runs/" + gone + "/cancel")).atPriority(1).willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", "application/json").withBody(
                        "{\"message\":\"Not Found\",\"documentation_url\":"
                                + "\"https://docs.github.com/rest/actions/workflow-runs#cancel-a-workflow-run\",\"status\":\"404\"}")));

        Rollback rollback = engine.request(RollbackGitHub.REPO, String.valueOf(wf), "bad release", "dave");

        assertThat(gh.calls()).containsExactly(
                "GET " + gh.workflowPath(),
                "GET " + gh.workflowPath() + "/runs?status=success&per_page=1",
                "PUT " + gh.workflowPath() + "/disable",
                "GET " + gh.workflowPath() + "/runs?status=queued&per_page=100",
                "GET " + gh.workflowPath() + "/runs?status=in_progress&per_page=100",
                "POST " + gh.base + "/runs/" + gone + "/cancel",
                "POST " + gh.base + "/runs/" + running + "/cancel",
                "GET " + gh.workflowPath());

        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM phase4_rollback_log WHERE id = ?", rollback.logId());
        assertThat(row).containsEntry("outcome", "partial").containsEntry("verified", false);
        assertThat(rollback.steps()).extracting(RollbackStep::name, RollbackStep::status, RollbackStep::httpStatus)
                .contains(org.assertj.core.groups.Tuple.tuple("disable workflow", "failed", 422),
                        org.assertj.core.groups.Tuple.tuple("cancel run " + gone, "failed", 404),
                        org.assertj.core.groups.Tuple.tuple("cancel run " + running, "done", 202),
                        org.assertj.core.groups.Tuple.tuple("verify workflow state", "read", 200));
        assertThat(rollback.steps()).filteredOn(s -> "failed".equals(s.status()))
                .allSatisfy(s -> assertThat(s.fix()).isNotBlank());

        List<Map<String, Object>> deadLetters = jdbc.queryForList("SELECT payload->>'status' AS status, "
                + "payload->>'fix' AS fix, repository FROM phase4_events WHERE event_type = 'dead_letter' "
                + "AND (payload->>'url' LIKE ? OR payload->>'url' LIKE ?) ORDER BY id",
                "%/workflows/" + wf + "/disable", "%/runs/" + gone + "/cancel");
        assertThat(deadLetters).extracting(m -> m.get("status")).containsExactly("422", "404");
        assertThat(deadLetters).allSatisfy(m -> {
            assertThat(m.get("fix")).isNotNull();
            assertThat(m.get("repository")).isEqualTo(RollbackGitHub.REPO);
        });
    }
}
