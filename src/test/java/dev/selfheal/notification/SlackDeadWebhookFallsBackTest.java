package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.test.SelfhealTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Slack answers channel_not_found: the webhook is dead. Not retried (the next event skips Slack), the
 * notification falls back to a GitHub issue, and a detection event says the webhook is dead.
 */
@SelfhealTest
class SlackDeadWebhookFallsBackTest {

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension slack = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String SLACK_PATH = "/services/T0TEST/B0TEST/hookpath";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        fastSettings(registry, github.baseUrl(), slack.baseUrl() + SLACK_PATH);
    }

    @BeforeAll
    static void settle() {
        settleLeftoverDeliveries();
    }

    @Autowired
    Outbox outbox;
    @Autowired
    JdbcTemplate jdbc;

    String deliveryStatus(long eventId) {
        return jdbc.queryForObject("SELECT status FROM phase4_event_deliveries WHERE event_id = ? AND consumer = "
                + "'notification'", String.class, eventId);
    }

    List<String> outcomes(long eventId, String channel) {
        return jdbc.queryForList("SELECT outcome FROM phase4_notifications WHERE event_id = ? AND channel = ? ORDER BY id",
                String.class, eventId, channel);
    }

    static void issuesAnswer(String json) {
        github.stubFor(get(urlPathMatching("/repos/.*/issues")).willReturn(okJson(json)));
    }

    static void createdIssue(int number) {
        github.stubFor(post(urlPathMatching("/repos/octo-org/[^/]+/issues")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"number\":" + number
                        + ",\"html_url\":\"https://github.com/octo-org/r/issues/" + number + "\",\"state\":\"open\"}")));
    }

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
