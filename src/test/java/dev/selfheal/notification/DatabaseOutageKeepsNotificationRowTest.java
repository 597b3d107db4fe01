package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.test.PostgresBehindProxy;
import dev.selfheal.test.TcpProxy;
import dev.selfheal.test.SelfhealTest;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The database goes down while a notification is being delivered (between Slack's answer and the row that
 * records it): the row waits in the spool and is written when the database is back; the event is not sent twice.
 * The outage is a TCP proxy between the service and the machine's PostgreSQL, closed and reopened.
 */
@SelfhealTest
@ContextConfiguration(initializers = PostgresBehindProxy.class)
class DatabaseOutageKeepsNotificationRowTest {

    static final TcpProxy PROXY = PostgresBehindProxy.PROXY;

    static final String SLACK_PATH = "/services/T0TEST/B0TEST/outage";

    /** Slack's answer is on its way when the database goes down. */
    static final class DatabaseDownOnSlackCall implements ResponseDefinitionTransformerV2 {
        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            if (serveEvent.getRequest().getBodyAsString().contains("outage-marker")) {
                PROXY.close();
            }
            return serveEvent.getResponseDefinition();
        }

        @Override
        public String getName() {
            return "database-down-on-slack-call";
        }
    }

    @RegisterExtension
    static WireMockExtension slack = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(new DatabaseDownOnSlackCall())).build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        fastSettings(registry, "http://127.0.0.1:1", slack.baseUrl() + SLACK_PATH);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
        registry.add("spring.datasource.hikari.validation-timeout", () -> "500");
    }

    @BeforeAll
    static void settle() {
        settleLeftoverDeliveries();
    }

    @Autowired
    Outbox outbox;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    NotificationRecords records;

    @Test
    void rowWrittenAfterTheDatabaseReturnsAndNothingSentTwice() throws Exception {
        try (var c = dataSource.getConnection()) {
            assertThat(c.getMetaData().getURL()).contains(":" + PROXY.port() + "/");
        }
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        long eventId = outbox.record("detection", uniqueRepository("outage"), null, null, map("ruleId", "queue-time", "type",
                "queue_time", "action", "notify", "detail", "outage-marker"));

        // Slack took it, then the database went away: the row waits in the spool
        await().atMost(Duration.ofSeconds(30)).until(() -> records.spooled() > 0);
        PROXY.open();

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> "done".equals(jdbc.queryForObject(
                "SELECT status FROM phase4_event_deliveries WHERE event_id = ? AND consumer = 'notification'",
                String.class, eventId)));
        assertThat(records.spooled()).isZero();
        assertThat(jdbc.queryForList("SELECT outcome FROM phase4_notifications WHERE event_id = ? AND channel = 'slack'",
                String.class, eventId)).containsExactly("sent");
        slack.verify(1, postRequestedFor(urlPathEqualTo(SLACK_PATH)).withRequestBody(containing("outage-marker")));
    }
}
