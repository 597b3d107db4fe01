package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.SelfhealTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * POST /api/v1/classify: a log in, the service's decision out (the shipped rules, as selfheal classify --json),
 * with any secret in the log masked in the answer.
 */
@SelfhealTest
class ApiClassifyAnswersTheDecisionTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys keys;

    final ObjectMapper mapper = new ObjectMapper();

    @Test
    void logInDecisionOut() throws Exception {
        String operator = keys.create("classifier", ManagementRole.OPERATOR, null, "test").secret();
        ApiCalls api = new ApiCalls(port);

        HttpResponse<String> lost = api.post("/api/v1/classify?job=build", operator, "text/plain",
                GitHubStandIn.timestamped(GitHubStandIn.RUNNER_LOST));
        assertThat(lost.statusCode()).isEqualTo(200);
        JsonNode transientFailure = mapper.readTree(lost.body());
        assertThat(transientFailure.path("category").asText()).isEqualTo("transient_infrastructure");
        assertThat(transientFailure.path("decision").asText()).isEqualTo("re-run");

        String pat = "ghp_" + "Z9yXwVuTsRqPoNmLkJiHgFeDcBa098765432";
        HttpResponse<String> tests = api.post("/api/v1/classify", operator, "text/plain",
                "echo using token " + pat + "\n" + GitHubStandIn.TESTS_FAILED);
        JsonNode deterministic = mapper.readTree(tests.body());
        assertThat(deterministic.path("category").asText()).isEqualTo("deterministic");
        assertThat(deterministic.path("decision").asText()).isEqualTo("not re-run");
        assertThat(tests.body()).doesNotContain(pat);

        assertThat(api.post("/api/v1/classify?job=" + "%3Bdrop", operator, "text/plain", "x").statusCode())
                .isEqualTo(400);
        assertThat(api.post("/api/v1/classify", operator, "text/plain", "").statusCode()).isEqualTo(400);
    }
}
