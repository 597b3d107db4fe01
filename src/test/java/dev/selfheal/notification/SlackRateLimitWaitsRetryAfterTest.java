package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slack answers 429 with Retry-After: the message is sent once more after that wait (a due time on the delivery
 * row, no sleeping thread), not to a fallback channel, and not twice.
 */
class SlackRateLimitWaitsRetryAfterTest extends NotificationTest {

    @Test
    void waitsRetryAfterThenSendsOnce() {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).inScenario("rate").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("limited-once").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                        .withBody("rate_limited")));
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).inScenario("rate").whenScenarioStateIs("limited-once")
                .willReturn(aResponse().withStatus(200).withBody("ok")));
        issuesAnswer("[]");
        String repo = uniqueRepository("slack429");
        long run = runId();
        var p = runPayload(repo, run, 2);
        p.put("conclusion", "success");
        p.put("attempts", 2);
        long eventId = outbox.record("recovered", repo, run, 2, p);

        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(deliveryStatus(eventId)));
        List<LoggedRequest> sent = slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_PATH))
                .withRequestBody(containing(repo)));
        assertThat(sent).hasSize(2);
        long waitedMillis = sent.get(1).getLoggedDate().getTime() - sent.get(0).getLoggedDate().getTime();
        assertThat(waitedMillis).isGreaterThanOrEqualTo(2_000);
        assertThat(outcomes(eventId, "slack")).containsExactly("rate_limited", "sent");
        // a 429 is a wait, not a failure: no fallback issue
        github.verify(0, postRequestedFor(urlPathMatching("/repos/.*/issues")));
    }
}
