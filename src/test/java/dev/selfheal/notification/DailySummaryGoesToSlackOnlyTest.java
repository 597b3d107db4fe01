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
    void unknownFailuresAreGroupedByTheirFirstErrorLineWithASuggestedRule() throws Exception {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        // a kind no other test records: the day's other unknown failures do not change its counts
        String kind = "Quota " + System.nanoTime() % 100_000 + " of fleet "
                + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "") + "zz exhausted for runner";
        String repoA = NotificationTestSupport.uniqueRepository("unknown-a");
        String repoB = NotificationTestSupport.uniqueRepository("unknown-b");
        long run1 = NotificationTestSupport.runId();
        for (Object[] failure : new Object[][] {{repoA, run1, 1, "7"}, {repoA, run1, 2, "8"},
                {repoB, NotificationTestSupport.runId(), 1, "1234"}}) {
            String line = "Error: " + kind.replace("Quota ", "Quota " + failure[3] + " ") + " at /opt/r/" + failure[3];
            var c = new dev.selfheal.retry.Classification("unknown", null, null, "build", false, "medium", null,
                    java.util.List.of(), java.util.List.of(line), dev.selfheal.retry.SuggestedRule.of(line));
            var payload = NotificationTestSupport.runPayload((String) failure[0], (Long) failure[1], (Integer) failure[2]);
            payload.setAll((com.fasterxml.jackson.databind.node.ObjectNode) NotificationTestSupport.mapper()
                    .valueToTree(c.payload()));
            outbox.record("failure_classified", (String) failure[0], (Long) failure[1], (Integer) failure[2], payload);
        }

        long eventId = dailySummary.record();

        var payload = NotificationTestSupport.mapper().readTree(jdbc.queryForObject(
                "SELECT payload::text FROM phase4_events WHERE id = ?", String.class, eventId));
        var group = java.util.stream.StreamSupport.stream(payload.path("unknownFailures").spliterator(), false)
                .filter(g -> g.path("line").asText().contains("exhausted for runner")
                        && g.path("line").asText().contains(kind.substring(kind.indexOf(" of fleet"))))
                .findFirst().orElseThrow();
        assertThat(group.path("failures").asLong()).isEqualTo(3);
        assertThat(group.path("runs").asLong()).isEqualTo(2);
        assertThat(group.path("repositories").asLong()).isEqualTo(2);
        assertThat(group.path("line").asText()).startsWith("Error: Quota <n> <n> of fleet").endsWith("at <path>");
        String pattern = group.path("suggestedRule").path("pattern").asText();
        assertThat(java.util.regex.Pattern.compile(pattern).matcher("Error: " + kind.replace("Quota ", "Quota 99 ") + " at /x/y/z").find()).isTrue();
        assertThat(payload.path("summary").asText()).contains("Failures no rule recognised:");
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveryStatus(eventId), "done"::equals);
        var posted = slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_PATH))).stream()
                .map(r -> r.getBodyAsString()).filter(b -> b.contains("exhausted for runner")).toList();
        assertThat(posted).hasSize(1);
        assertThat(posted.get(0)).contains("3\u00d7 unknown* (2 run(s), 2 repositories)", "CHOOSE-A-CATEGORY");
    }

    @Test
    void theQuartzTriggerRunsOnTokyoTime() {
        QuartzEndpoint endpoint = camel.getEndpoints().stream().filter(QuartzEndpoint.class::isInstance)
                .map(QuartzEndpoint.class::cast).filter(e -> e.getEndpointUri().contains("schedules/daily-summary"))
                .findFirst().orElseThrow();
        assertThat(endpoint.getCron()).isEqualTo("0 0 9 * * ?");
        // its zone (Asia/Tokyo) is checked on the Quartz trigger by SchedulesAreOneListWithHistoryTest
    }
}
