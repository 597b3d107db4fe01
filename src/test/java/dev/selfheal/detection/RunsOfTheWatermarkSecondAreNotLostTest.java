package dev.selfheal.detection;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * GitHub's timestamps have whole seconds: a run that completes in the same second as the newest run an earlier poll
 * handed on (the repository's watermark) but shows up in the list only later — after a database outage the poll
 * catches up from exactly such a list — is still handed on, once; the run handed on before is not handed on again.
 */
class RunsOfTheWatermarkSecondAreNotLostTest extends CoreLoopTest {

    @Autowired
    ProducerTemplate template;

    @Test
    void aLaterListedRunOfTheWatermarkSecondIsHandedOn() {
        github.stubRerunAccepted();
        long first = newRunId();
        long second = first + 1;
        ObjectNode a = github.stubAttempt(first, 1, "failure", GitHubStandIn.RUNNER_LOST);
        ObjectNode b = github.stubAttempt(second, 1, "failure", GitHubStandIn.RUNNER_LOST);
        b.put("updated_at", a.get("updated_at").asText());
        String list = "/repos/" + GitHubStandIn.REPO + "/actions/runs";

        wm.stubFor(get(urlPathEqualTo(list)).willReturn(okJson(GitHubFixtures.json(GitHubFixtures.runsPage(a)))));
        template.sendBody("direct:detection-poll-repositories", null);
        assertThat(runCompleted(first)).isEqualTo(1);

        // the newest mapping answers: the list now holds the second run too, with the same updated_at
        wm.stubFor(get(urlPathEqualTo(list)).willReturn(okJson(GitHubFixtures.json(GitHubFixtures.runsPage(b, a)))));
        template.sendBody("direct:detection-poll-repositories", null);

        assertThat(runCompleted(second)).as("the run of the watermark's second").isEqualTo(1);
        assertThat(runCompleted(first)).as("the run handed on before").isEqualTo(1);
    }

    private long runCompleted(long runId) {
        return jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE run_id = ? AND event_type = "
                + "'run_completed'", Long.class, runId);
    }
}
