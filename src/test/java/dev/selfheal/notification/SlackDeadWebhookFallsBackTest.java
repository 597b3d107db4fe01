package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Slack answers channel_not_found: the webhook is dead. Not retried (the next event skips Slack), the
 * notification falls back to a GitHub issue, and a detection event says the webhook is dead.
 */
class SlackDeadWebhookFallsBackTest extends NotificationTest {

    @Test
    void channelNotFoundIsNotRetriedFallsBackAndRaisesDetection() {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(404)
                .withBody("channel_not_found")));
        issuesAnswer("[]");
        createdIssue(31);
        String repo = uniqueRepository("slackdead");
        long first = outbox.record("detection", repo, null, null, map("ruleId", "failure-rate", "type",
                "failure_rate", "action", "notify", "value", 0.7, "threshold", 0.3));
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(deliveryStatus(first)));
        long second = outbox.record("detection", repo, null, null, map("ruleId", "queue-time", "type",
                "queue_time", "action", "notify", "value", 900, "threshold", 600));
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(deliveryStatus(second)));

        slack.verify(1, postRequestedFor(urlPathEqualTo(SLACK_PATH)));
        assertThat(outcomes(first, "slack")).containsExactly("dead_webhook");
        assertThat(outcomes(second, "slack")).isEmpty();
        assertThat(outcomes(first, "github_issue")).containsExactly("sent");
        assertThat(outcomes(second, "github_issue")).containsExactly("sent");
        github.verify(2, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE event_type = 'detection' "
                + "AND payload->>'ruleId' = 'slack-webhook-dead' AND payload->>'detail' LIKE '%channel_not_found%' "
                + "AND id > ?", Integer.class, first)).isEqualTo(1);
    }
}
