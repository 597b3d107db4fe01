package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A transient failure four times: exactly 3 re-runs at 5/10/20 s (scaled to 50/100/200 ms), then final. */
class TransientFailureExhaustsRetriesTest extends CoreLoopTest {

    @Test
    void threeRerunsWithExponentialBackoffThenFinalFailure() {
        long runId = newRunId();
        github.stubRerunAccepted();
        for (int attempt = 1; attempt <= 4; attempt++) {
            var run = github.stubAttempt(runId, attempt, "failure", GitHubStandIn.RUNNER_LOST);
            github.deliverRun(port, run);
            if (attempt < 4) {
                int sent = attempt;
                eventually(() -> retries(runId), r -> r.size() == sent && "sent".equals(r.get(sent - 1).get("status")));
            }
        }

        eventually(() -> events(runId), e -> e.contains("final_failure"));
        wm.verify(3, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
        assertThat(retries(runId)).extracting(r -> r.get("attempt")).containsExactly(1, 2, 3);
        assertThat(retries(runId)).extracting(r -> ((BigDecimal) r.get("interval_seconds")).doubleValue())
                .containsExactly(0.05, 0.1, 0.2);
        assertThat(retries(runId)).extracting(r -> r.get("status")).containsExactly("failed", "failed", "failed");
        assertThat(metrics(runId)).containsEntry("final_failure", true).containsEntry("retry_count", 3)
                .containsEntry("risk_level", "high");
        List<String> rerunsAndFinal = events(runId).stream()
                .filter(e -> e.equals("retry_sent") || e.equals("final_failure")).toList();
        assertThat(rerunsAndFinal).containsExactly("retry_sent", "retry_sent", "retry_sent", "final_failure");
        assertThat(jdbc.queryForObject("SELECT payload->>'reason' FROM phase4_events WHERE run_id = ? AND "
                + "event_type = 'final_failure'", String.class, runId)).contains("after 3 re-runs");
    }
}
