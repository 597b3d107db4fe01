package dev.selfheal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import org.junit.jupiter.api.Test;

/** Failing tests are a deterministic failure: classified from the log, never re-run, final at once. */
class DeterministicFailureIsNotRerunTest extends CoreLoopTest {

    @Test
    void failingTestsAreNotRerunAndFailForGood() {
        long runId = newRunId();
        github.stubRerunAccepted();
        var run = github.stubAttempt(runId, 1, "failure", GitHubStandIn.TESTS_FAILED);

        github.deliverRun(port, run);

        eventually(() -> events(runId), e -> e.contains("final_failure"));
        assertThat(github.calls()).containsExactly(
                "GET /repos/octo-org/octo-repo/actions/runs/" + runId + "/attempts/1/jobs",
                "GET " + GitHubStandIn.annotationsPath(runId * 10 + 1),
                "GET /repos/octo-org/octo-repo/actions/jobs/" + (runId * 10 + 1) + "/logs",
                "GET /blobs/job-logs/" + (runId * 10 + 1));
        assertThat(wm.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/blobs/job-logs/" + (runId * 10 + 1))))
                .get(0).getHeader("Authorization")).as("our token never goes to the blob host").isNull();
        assertThat(retries(runId)).isEmpty();
        assertThat(metrics(runId)).containsEntry("final_failure", true)
                .containsEntry("failure_category", "deterministic").containsEntry("failure_rule", "tests-failed");
        assertThat((String) metrics(runId).get("failure_line")).as("the first line the first matching rule matched").isEqualTo("Tests: 2 failed, 40 passed");
        assertThat(events(runId)).containsExactly("run_completed", "failure_classified", "final_failure");
    }
}
