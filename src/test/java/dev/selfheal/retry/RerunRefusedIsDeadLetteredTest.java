package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * GitHub refusing the re-run: 422/403/404 are never retried (one POST, dead letter, final failure); a 502 is
 * redelivered by Camel and the re-run goes out.
 */
class RerunRefusedIsDeadLetteredTest extends CoreLoopTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "422, configuration, Unable to re-run this workflow run because it was created over a month ago",
            "403, permission, Resource not accessible by integration",
            "404, not_found, Not Found"})
    void refusalIsNotRetried(int status, String category, String message) {
        long runId = newRunId();
        github.stubRerun(post(urlPathEqualTo(GitHubStandIn.rerunPath(runId))).willReturn(aResponse()
                .withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"" + message + "\",\"documentation_url\":\"https://docs.github.com/rest\"}")));
        github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));

        eventually(() -> events(runId), e -> e.contains("final_failure"));
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
        assertThat(retries(runId)).singleElement().satisfies(r -> {
            assertThat(r).containsEntry("status", "dead_letter").containsEntry("http_status", status);
            assertThat((String) r.get("result")).startsWith(category + ": ").contains(message);
        });
        assertThat(events(runId)).contains("dead_letter", "final_failure");
        assertThat(jdbc.queryForObject("SELECT payload->>'fix' FROM phase4_events WHERE run_id = ? AND "
                + "event_type = 'dead_letter'", String.class, runId)).isNotBlank();
        assertThat(metrics(runId)).containsEntry("final_failure", true);
    }

    @Test
    void gitHubsMessageIsMaskedInEveryRow() {
        long runId = newRunId();
        String leaked = "ghp_" + "Lk9".repeat(12);
        github.stubRerun(post(urlPathEqualTo(GitHubStandIn.rerunPath(runId))).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Validation failed for token " + leaked + "\"}")));
        github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));

        eventually(() -> events(runId), e -> e.contains("final_failure"));
        String result = (String) retries(runId).get(0).get("result");
        assertThat(result).doesNotContain(leaked).contains("[MASKED:github-pat]");
        assertThat(jdbc.queryForList("SELECT payload::text FROM phase4_events WHERE run_id = ?", String.class, runId))
                .noneMatch(p -> p.contains(leaked));
    }

    @Test
    void badGatewayIsRedeliveredAndTheRerunGoesOut() {
        long runId = newRunId();
        String path = GitHubStandIn.rerunPath(runId);
        github.stubRerun(post(urlPathEqualTo(path)).inScenario("502").whenScenarioStateIs(STARTED)
                .willSetStateTo("up").willReturn(aResponse().withStatus(502).withBody("Bad Gateway")));
        github.stubRerun(post(urlPathEqualTo(path)).inScenario("502").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(201)));
        github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));

        eventually(() -> retries(runId), r -> r.size() == 1 && "sent".equals(r.get(0).get("status")));
        wm.verify(2, postRequestedFor(urlPathEqualTo(path)));
        assertThat(events(runId)).doesNotContain("dead_letter", "final_failure");
    }
}
