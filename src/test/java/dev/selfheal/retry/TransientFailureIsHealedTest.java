package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** A runner lost mid-job: re-run once after the first back-off, the re-run succeeds, the run is recovered. */
class TransientFailureIsHealedTest extends CoreLoopTest {

    @Test
    void transientFailureIsRerunOnceAndRecovered() {
        long runId = newRunId();
        github.stubRerunAccepted();
        var failed = github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST);
        // GitHub's clock 10 minutes behind ours: its times precede our own re-run request
        failed.put("updated_at", java.time.Instant.parse(failed.get("updated_at").asText()).minusSeconds(600).toString());

        github.deliverRun(port, failed);
        eventually(() -> retries(runId), r -> r.size() == 1 && "sent".equals(r.get(0).get("status")));
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
        assertThat(retries(runId).get(0)).containsEntry("category", "transient_infrastructure")
                .containsEntry("http_status", 201);
        assertThat((BigDecimal) retries(runId).get(0).get("interval_seconds")).isEqualByComparingTo("0.05");

        // GitHub reports the re-run attempt as a success
        var healed = github.stubAttempt(runId, 2, "success", "ok");
        String githubRecovered = java.time.Instant.parse(healed.get("updated_at").asText()).minusSeconds(600).toString();
        healed.put("updated_at", githubRecovered);
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/repos/octo-org/octo-repo/actions"
                + "/runs/" + runId)).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(healed.toString())));
        github.deliverRun(port, healed);

        eventually(() -> events(runId), e -> e.contains("recovered"));
        assertThat(github.calls()).containsExactly(
                "GET /repos/octo-org/octo-repo/actions/runs/" + runId + "/attempts/1/jobs",
                "GET " + GitHubStandIn.annotationsPath(runId * 10 + 1),
                "GET /repos/octo-org/octo-repo/actions/jobs/" + (runId * 10 + 1) + "/logs",
                "GET /blobs/job-logs/" + (runId * 10 + 1),
                "POST " + GitHubStandIn.rerunPath(runId),
                "GET /repos/octo-org/octo-repo/actions/runs/" + runId);
        assertThat(retries(runId)).singleElement().satisfies(r -> assertThat(r).containsEntry("status", "succeeded"));
        assertThat(metrics(runId)).containsEntry("recovered", true).containsEntry("final_failure", false)
                .containsEntry("retry_count", 1);
        assertThat(events(runId)).containsExactly("run_completed", "failure_classified", "retry_scheduled",
                "retry_sent", "run_completed", "recovered");
        assertThat(jdbc.queryForObject("SELECT payload->>'verified' FROM phase4_events WHERE run_id = ? AND "
                + "event_type = 'recovered'", String.class, runId)).isEqualTo("true");
        // time to recovery: our events on our clock, GitHub's on GitHub's, and each says which
        var recovered = jdbc.queryForMap("SELECT payload->>'timeToRecoverClock' AS clock, (payload->>"
                + "'timeToRecoverSeconds')::bigint AS ttr, payload->>'githubRecoveredAt' AS gh_recovered, "
                + "payload->>'githubFailedAt' AS gh_failed, (payload->>'githubTimeToRecoverSeconds')::bigint AS gh_ttr, "
                + "payload->>'verifiedAt' AS verified FROM phase4_events WHERE run_id = ? AND event_type = 'recovered'",
                runId);
        var row = jdbc.queryForMap("SELECT created_at, completed_at FROM phase4_retry_history WHERE original_run_id = ?",
                runId);
        long ours = java.time.Duration.between(((java.sql.Timestamp) row.get("created_at")).toInstant(),
                ((java.sql.Timestamp) row.get("completed_at")).toInstant()).toSeconds();
        assertThat((String) recovered.get("clock")).startsWith("selfheal");
        assertThat((Long) recovered.get("ttr")).isBetween(Math.max(0, ours - 1), ours + 1);
        assertThat(recovered.get("gh_recovered")).isEqualTo(githubRecovered);
        assertThat(recovered.get("gh_failed")).isEqualTo(failed.get("updated_at").asText());
        assertThat((Long) recovered.get("gh_ttr")).isEqualTo(java.time.Duration.between(
                java.time.Instant.parse(failed.get("updated_at").asText()),
                java.time.Instant.parse(githubRecovered)).toSeconds());
    }
}
