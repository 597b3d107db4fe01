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

/** Slack answers 500: the notification goes to a GitHub issue instead, and the delivery is settled. */
@SelfhealTest
class SlackServerErrorFallsBackToIssueTest {

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
    void deadLetterGoesToAnIssueWhenSlackAnswers500() {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(500).withBody("internal_error")));
        issuesAnswer("[]");
        createdIssue(21);
        String repo = uniqueRepository("slack500");
        long eventId = outbox.record("dead_letter", repo, null, null, map("method", "POST", "url",
                "https://api.github.com/repos/" + repo + "/actions/runs/5/rerun", "route", "retry-execute",
                "status", 403, "category", "permission", "message", "Resource not accessible by integration"));

        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(deliveryStatus(eventId)));
        slack.verify(1, postRequestedFor(urlPathEqualTo(SLACK_PATH)).withRequestBody(containing(repo)));
        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues"))
                .withRequestBody(containing("Resource not accessible by integration"))
                .withRequestBody(containing("\"labels\":[\"selfheal\",\"risk:high\"]"))
                .withRequestBody(containing("selfheal:key=" + repo + "/any/dead-letter-permission")));
        assertThat(outcomes(eventId, "slack")).containsExactly("failed");
        assertThat(outcomes(eventId, "github_issue")).containsExactly("sent");
        assertThat(jdbc.queryForObject("SELECT http_status FROM phase4_notifications WHERE event_id = ? AND channel = 'slack'",
                Integer.class, eventId)).isEqualTo(500);
    }
}
