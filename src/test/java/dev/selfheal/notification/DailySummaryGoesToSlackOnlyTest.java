package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The daily summary: a Quartz route (Asia/Tokyo cron) records the last 24 hours' counts as an event; it goes to
 * Slack only (a success report never opens an issue).
 */
class DailySummaryGoesToSlackOnlyTest extends NotificationTest {

    @Autowired
    DailySummary dailySummary;

    @Autowired
    CamelContext camel;

    @Test
    void summaryCountsTheDayAndIsPostedToSlackOnly() {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        outbox.record("recovered", NotificationTestSupport.uniqueRepository("summary"), null, null,
                NotificationTestSupport.map("repository", "o/r", "runId", 1));

        long eventId = dailySummary.record();

        await().atMost(Duration.ofSeconds(20)).until(() -> deliveryStatus(eventId), "done"::equals);
        var posted = slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_PATH))).stream()
                .map(r -> r.getBodyAsString()).filter(b -> b.contains("Last 24 hours")).toList();
        assertThat(posted).hasSize(1);
        assertThat(posted.get(0)).containsPattern("\\d+ recovered");
        assertThat(outcomes(eventId, "slack")).containsExactly("sent");
        github.verify(0, postRequestedFor(urlPathMatching("/repos/.*/issues.*")));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_notifications WHERE event_id = ? AND channel "
                + "<> 'slack'", Integer.class, eventId)).isZero();
    }

    @Test
    void theQuartzTriggerRunsOnTokyoTime() {
        QuartzEndpoint endpoint = camel.getEndpoints().stream().filter(QuartzEndpoint.class::isInstance)
                .map(QuartzEndpoint.class::cast).filter(e -> e.getEndpointUri().contains("notification-daily-summary"))
                .findFirst().orElseThrow();
        assertThat(endpoint.getCron()).isEqualTo("0 0 9 * * ?");
        assertThat(endpoint.getEndpointUri()).contains("trigger.timeZone=Asia%2FTokyo");
    }
}
