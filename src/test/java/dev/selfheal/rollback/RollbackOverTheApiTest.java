package dev.selfheal.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.api.ApiKeys;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.CoreLoopTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * POST /api/v1/rollback: an operator's key runs the rollback engine (a dry run by default: GitHub is only read)
 * and gets its record back; a viewer's key gets 403 and an unwatched repository 422, both without a GitHub call.
 */
class RollbackOverTheApiTest extends CoreLoopTest {

    @Autowired
    ApiKeys keys;

    private HttpResponse<String> post(String key, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/rollback")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anOperatorsKeyRunsADryRunAndOthersAreRefused() throws Exception {
        long wf = 800_000 + newRunId() % 100_000;
        RollbackGitHub gh = new RollbackGitHub(wm, wf).stubWorkflow().stubRuns(wf * 10 + 1, List.of(wf * 10 + 2),
                List.of());
        String operator = keys.create("rollback-operator", ManagementRole.OPERATOR, null, "test").secret();
        String viewer = keys.create("rollback-viewer", ManagementRole.VIEWER, null, "test").secret();
        String body = "{\"repository\":\"" + RollbackGitHub.REPO + "\",\"workflow\":\"" + gh.file
                + "\",\"reason\":\"deploys keep failing\"}";

        assertThat(post(viewer, body).statusCode()).isEqualTo(403);
        assertThat(post(operator, "{\"repository\":\"someone/else\",\"workflow\":\"ci.yml\",\"reason\":\"x\"}")
                .statusCode()).isEqualTo(422);
        assertThat(gh.calls()).isEmpty();

        HttpResponse<String> answer = post(operator, body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode json = new ObjectMapper().readTree(answer.body());
        assertThat(json.path("mode").asText()).isEqualTo("dry-run");
        assertThat(json.path("outcome").asText()).isEqualTo("planned");
        assertThat(json.path("steps").findValuesAsText("call")).contains("PUT " + gh.workflowPath() + "/disable");
        assertThat(gh.calls()).allSatisfy(call -> assertThat(call).startsWith("GET "));
        assertThat(jdbc.queryForObject("SELECT actor FROM phase4_rollback_log WHERE trigger = 'api' ORDER BY id DESC "
                + "LIMIT 1", String.class)).startsWith("api key ");
    }
}
