package dev.selfheal.detection;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * When a poll brings many runs they are written together: one transaction holds every new run's metrics row
 * (read back, with its history) and its run_completed event, instead of one transaction per run; a run the
 * webhook already brought is not recorded again, and each failed run is still re-run once.
 */
class PolledRunsAreRecordedTogetherTest extends CoreLoopTest {

    @Autowired
    CamelContext camel;

    @Test
    void aPollsRunsAreOneTransactionAndEachIsHandledOnce() {
        github.stubRerunAccepted();
        List<JsonNode> runs = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        // 40 distinct ids (newRunId() alone can repeat within one millisecond)
        long base = newRunId() * 100;
        for (int i = 0; i < 40; i++) {
            long runId = base + i;
            ids.add(runId);
            runs.add(i % 4 == 0 ? github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST)
                    : github.stubAttempt(runId, 1, "success", "all good"));
        }
        // the first run came by webhook before the poll
        github.deliverRun(port, (com.fasterxml.jackson.databind.node.ObjectNode) runs.get(0));
        eventually(() -> events(ids.get(0)), e -> e.contains("run_completed"));

        wm.stubFor(get(urlPathEqualTo("/repos/" + GitHubStandIn.REPO + "/actions/runs")).atPriority(1)
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.runsPage(runs.toArray(JsonNode[]::new))))));
        jdbc.update("DELETE FROM phase4_poll_watermarks WHERE repository = ?", GitHubStandIn.REPO);
        camel.createProducerTemplate().sendBody("direct:detection-poll-repositories", null);

        Long[] polled = ids.subList(1, ids.size()).toArray(Long[]::new);
        String in = "run_id IN (" + String.join(",", ids.subList(1, ids.size()).stream().map(String::valueOf)
                .toList()) + ")";
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_metrics WHERE " + in, Long.class))
                .isEqualTo(polled.length);
        // one transaction wrote every polled run's row and its history (the history rows are never updated, so
        // their xmin is still that transaction's; the retry engine updates the failed runs' metrics rows later)
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT xmin::text) FROM phase4_metrics_upserts WHERE " + in,
                Long.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_metrics_upserts WHERE verified AND "
                + "action = 'inserted' AND " + in, Long.class)).isEqualTo(polled.length);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT xmin::text) FROM phase4_events WHERE "
                + "event_type = 'run_completed' AND " + in, Long.class)).isEqualTo(1);
        for (long runId : ids) {
            assertThat(events(runId).stream().filter("run_completed"::equals).count()).as("run " + runId)
                    .isEqualTo(1);
        }

        // a second poll of the same list records nothing again
        camel.createProducerTemplate().sendBody("direct:detection-poll-repositories", null);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE event_type = 'run_completed' AND "
                + in, Long.class)).isEqualTo(polled.length);

        for (int i = 0; i < ids.size(); i += 4) {
            long runId = ids.get(i);
            eventually(() -> retries(runId), r -> r.size() == 1 && "sent".equals(r.get(0).get("status")));
            wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
        }
    }
}
