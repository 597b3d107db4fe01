package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GitHub's two rate-limit answers on the re-run call: 403 with X-RateLimit-Remaining 0 (wait for
 * X-RateLimit-Reset) and 429 with Retry-After. Neither is a permission error: the re-run waits (its row goes back
 * to pending with the due time GitHub named) and is then sent once. A 403 without those headers stays a refusal.
 */
class RateLimitedRerunWaitsTest extends CoreLoopTest {

    @Test
    void forbiddenWithRemainingZeroWaitsForTheResetThenProceeds() {
        long runId = newRunId();
        String path = GitHubStandIn.rerunPath(runId);
        long reset = Instant.now().plusSeconds(2).getEpochSecond();
        github.stubRerun(post(urlPathEqualTo(path)).inScenario("limit").whenScenarioStateIs(STARTED)
                .willSetStateTo("reset").willReturn(aResponse().withStatus(403)
                        .withHeader("X-RateLimit-Limit", "5000").withHeader("X-RateLimit-Remaining", "0")
                        .withHeader("X-RateLimit-Reset", String.valueOf(reset))
                        .withBody("{\"message\":\"API rate limit exceeded for installation ID 1.\"}")));
        github.stubRerun(post(urlPathEqualTo(path)).inScenario("limit").whenScenarioStateIs("reset")
                .willReturn(aResponse().withStatus(201)));

        github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));

        // the first answer puts the row back with GitHub's reset as its due time
        eventually(() -> jdbc.queryForList("SELECT due_at FROM phase4_retry_history WHERE original_run_id = ? "
                + "AND http_status = 403 AND status = 'pending'", Timestamp.class, runId), List::isEmpty);
        eventually(() -> retries(runId), r -> !r.isEmpty() && "sent".equals(r.get(0).get("status")));
        List<Instant> posts = wm.findAll(postRequestedFor(urlPathEqualTo(path))).stream()
                .map(r -> r.getLoggedDate().toInstant()).toList();
        assertThat(posts).hasSize(2);
        assertThat(posts.get(1)).as("second POST not before the reset").isAfterOrEqualTo(Instant.ofEpochSecond(reset));
        assertThat(events(runId)).doesNotContain("dead_letter", "final_failure");
    }

    @Test
    void tooManyRequestsWaitsRetryAfterThenProceeds() {
        long runId = newRunId();
        String path = GitHubStandIn.rerunPath(runId);
        github.stubRerunWaitThenAccept(runId, 429, 1, "You have exceeded a secondary rate limit.");

        github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));

        eventually(() -> retries(runId), r -> r.size() == 1 && "sent".equals(r.get(0).get("status")));
        List<Instant> posts = wm.findAll(postRequestedFor(urlPathEqualTo(path))).stream()
                .map(r -> r.getLoggedDate().toInstant()).toList();
        assertThat(posts).hasSize(2);
        assertThat(java.time.Duration.between(posts.get(0), posts.get(1))).as("Retry-After honoured")
                .isGreaterThanOrEqualTo(java.time.Duration.ofMillis(900));
        assertThat(retries(runId).get(0)).containsEntry("attempt", 1);
        assertThat(events(runId)).doesNotContain("dead_letter", "final_failure");
    }

    @Test
    void forbiddenWithoutRateLimitHeadersIsAPermissionError() {
        long runId = newRunId();
        String path = GitHubStandIn.rerunPath(runId);
        github.stubRerun(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(403)
                .withHeader("X-RateLimit-Remaining", "4000")
                .withBody("{\"message\":\"Resource not accessible by integration\"}")));

        github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));

        eventually(() -> events(runId), e -> e.contains("final_failure"));
        wm.verify(1, postRequestedFor(urlPathEqualTo(path)));
        assertThat(retries(runId).get(0)).containsEntry("status", "dead_letter");
    }
}
