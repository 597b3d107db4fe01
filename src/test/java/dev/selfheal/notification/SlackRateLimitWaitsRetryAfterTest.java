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
 * Slack answers 429 with Retry-After: the message is sent once more after that wait (a due time on the delivery
 * row, no sleeping thread), not to a fallback channel, and not twice.
 */
@SelfhealTest
class SlackRateLimitWaitsRetryAfterTest {

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
