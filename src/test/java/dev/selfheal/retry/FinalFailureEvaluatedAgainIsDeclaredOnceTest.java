package dev.selfheal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * A completed run evaluated a second time (its consumer's lease ran out while the evaluation was done but not yet
 * marked done: an instance killed, or a very slow one) is classified again, but its final failure is declared
 * once: one event, so one Slack message, one issue and one audit ticket.
 */
class FinalFailureEvaluatedAgainIsDeclaredOnceTest extends CoreLoopTest {

    @Test
    void aSecondEvaluationOfAFinalFailureDeclaresNothingNew() {
        long runId = newRunId();
        github.stubRerunAccepted();
        var run = github.stubAttempt(runId, 1, "failure", GitHubStandIn.TESTS_FAILED);
        github.deliverRun(port, run);
        eventually(() -> events(runId), e -> e.contains("final_failure"));

        evaluateAgain(runId);
        assertThat(Collections.frequency(events(runId), "failure_classified")).isEqualTo(2);
        assertThat(Collections.frequency(events(runId), "final_failure")).isEqualTo(1);
        assertThat(metrics(runId)).containsEntry("final_failure", true);
    }
}
