package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * A failed attempt evaluated a second time after its re-run already went out (the consumer's lease ran out while
 * the evaluation was done but not yet marked done: an instance killed, or a very slow one) schedules nothing new:
 * the attempt has its re-run. Counting the sent re-run as "one done" would schedule a second re-run of the same
 * attempt, and GitHub would be asked twice.
 */
class AttemptEvaluatedAgainAfterItsReRunIsNotReRunTwiceTest extends CoreLoopTest {

    @Test
    void aSecondEvaluationOfAnAttemptAlreadyReRunSchedulesNothing() {
        long runId = newRunId();
        github.stubRerunAccepted();
        var run = github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST);
        github.deliverRun(port, run);
        eventually(() -> retries(runId), r -> r.size() == 1 && "sent".equals(r.get(0).get("status")));

        evaluateAgain(runId);

        assertThat(Collections.frequency(events(runId), "failure_classified")).isEqualTo(2);
        assertThat(retries(runId)).as("re-runs of the run").hasSize(1).first()
                .satisfies(r -> assertThat(r).containsEntry("attempt", 1).containsEntry("status", "sent"));
        assertThat(Collections.frequency(events(runId), "retry_scheduled")).isEqualTo(1);
        assertThat(events(runId)).doesNotContain("final_failure");
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
    }
}
