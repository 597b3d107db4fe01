package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.test.SelfhealTest;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service with GitHub and Slack as WireMock servers and the notification settings of
 * {@link NotificationTestSupport#fastSettings}. Deliveries left pending by earlier test classes are settled
 * first; each test records its events in the outbox and looks them up by event id.
 */
@SelfhealTest
public abstract class NotificationTest {

    @RegisterExtension
    protected static WireMockExtension github = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    protected static WireMockExtension slack = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    /** The webhook's path: part of the configured webhook URL, so a secret no message may carry. */
    protected static final String SLACK_PATH = "/services/T0TEST/B0TEST/slacktestsecretpath";

    @DynamicPropertySource
    static void notification(DynamicPropertyRegistry registry) {
        NotificationTestSupport.fastSettings(registry, github.baseUrl(), slack.baseUrl() + SLACK_PATH);
    }

    @BeforeAll
    static void settle() {
        NotificationTestSupport.settleLeftoverDeliveries();
    }

    @Autowired
    protected Outbox outbox;
    @Autowired
    protected JdbcTemplate jdbc;

    /** The notification consumer's delivery of the event: pending or done. */
    protected String deliveryStatus(long eventId) {
        return jdbc.queryForObject("SELECT status FROM phase4_event_deliveries WHERE event_id = ? AND consumer = "
                + "'notification'", String.class, eventId);
    }

    /** The recorded outcomes of the event on one channel (slack, github_issue, github_comment, log), oldest first. */
    protected List<String> outcomes(long eventId, String channel) {
        return jdbc.queryForList("SELECT outcome FROM phase4_notifications WHERE event_id = ? AND channel = ? ORDER BY id",
                String.class, eventId, channel);
    }

    /** GitHub lists these open issues (a JSON array) for every repository. */
    protected static void issuesAnswer(String json) {
        github.stubFor(get(urlPathMatching("/repos/.*/issues")).willReturn(okJson(json)));
    }

    /** GitHub opens issue {@code number} for any octo-org repository. */
    protected static void createdIssue(int number) {
        github.stubFor(post(urlPathMatching("/repos/octo-org/[^/]+/issues")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"number\":" + number
                        + ",\"html_url\":\"https://github.com/octo-org/r/issues/" + number + "\",\"state\":\"open\"}")));
    }
}
