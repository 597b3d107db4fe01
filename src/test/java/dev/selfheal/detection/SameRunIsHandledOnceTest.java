package dev.selfheal.detection;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Idempotency: the same delivery twice (GitHub's redelivery) and the same run seen by webhook and by poll are
 * handled once; an idle poll is answered 304 from the ETag and hands nothing on.
 */
class SameRunIsHandledOnceTest extends CoreLoopTest {

    @Autowired
    CamelContext camel;

    long runCompleted(long runId) {
        return jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE run_id = ? AND event_type = "
                + "'run_completed'", Long.class, runId);
    }

    @Test
    void sameDeliveryTwiceIsHandledOnce() {
        long runId = newRunId();
        github.stubRerunAccepted();
        String body = GitHubStandIn.workflowRunEvent(github.stubAttempt(runId, 1, "failure",
                GitHubStandIn.RUNNER_LOST));
        String signature = GitHubStandIn.sign(body, GitHubStandIn.SECRET);
        String delivery = UUID.randomUUID().toString();

        HttpResponse<String> first = github.deliver(port, "workflow_run", body, signature, delivery);
        HttpResponse<String> again = github.deliver(port, "workflow_run", body, signature, delivery);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(200);
        // the delivery id is recorded once its delivery was handled (so a killed instance loses no run); a
        // redelivery arriving in that moment is caught by the run's own once-per-attempt key instead
        assertThat(again.body()).containsAnyOf("delivery " + delivery + " was already handled",
                "run " + GitHubStandIn.REPO + "#" + runId + " attempt 1 was already handled");
        eventually(() -> retries(runId), r -> r.size() == 1 && "sent".equals(r.get(0).get("status")));
        assertThat(runCompleted(runId)).isEqualTo(1);
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
    }

    @Test
    void aNewDeliveryOfAHandledRunSaysTheRunWasHandled() {
        long runId = newRunId();
        github.stubRerunAccepted();
        String body = GitHubStandIn.workflowRunEvent(github.stubAttempt(runId, 1, "failure",
                GitHubStandIn.RUNNER_LOST));
        String signature = GitHubStandIn.sign(body, GitHubStandIn.SECRET);

        github.deliver(port, "workflow_run", body, signature, UUID.randomUUID().toString());
        HttpResponse<String> second = github.deliver(port, "workflow_run", body, signature,
                UUID.randomUUID().toString());

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("run " + GitHubStandIn.REPO + "#" + runId + " attempt 1 was already "
                + "handled").doesNotContain("delivery");
        assertThat(runCompleted(runId)).isEqualTo(1);
    }

    @Test
    void runSeenByWebhookAndByPollIsHandledOnceAndIdlePollCostsNothing() throws Exception {
        long runId = newRunId();
        github.stubRerunAccepted();
        var run = github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST);
        String list = "/repos/" + GitHubStandIn.REPO + "/actions/runs";
        wm.stubFor(get(urlPathEqualTo(list)).withHeader("If-None-Match", equalTo("W/\"page-1\"")).atPriority(1)
                .willReturn(aResponse().withStatus(304).withHeader("ETag", "W/\"page-1\"")));
        wm.stubFor(get(urlPathEqualTo(list)).atPriority(5).willReturn(okJson(GitHubFixtures.json(
                GitHubFixtures.runsPage(run))).withHeader("ETag", "W/\"page-1\"")));

        github.deliverRun(port, run);
        eventually(() -> retries(runId), r -> r.size() == 1);

        // the poll (its Quartz trigger fired by hand) lists the same run: handed on once only
        camel.createProducerTemplate().sendBody("direct:detection-poll-repositories", null);
        camel.createProducerTemplate().sendBody("direct:detection-poll-repositories", null);

        wm.verify(2, getRequestedFor(urlPathEqualTo(list)));
        wm.verify(1, getRequestedFor(urlPathEqualTo(list)).withHeader("If-None-Match", equalTo("W/\"page-1\"")));
        assertThat(runCompleted(runId)).isEqualTo(1);
        eventually(() -> retries(runId), r -> !r.isEmpty() && "sent".equals(r.get(0).get("status")));
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
    }
}
