package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * notify on change, not on repetition. A problem (its key: a dead letter's method, path without
 * ids, status and category; a run's repository and id; a detection's rule and file/type) is notified once; its
 * repeats are recorded as suppressed (no Slack message, no issue, no audit ticket) and listed in the daily
 * summary's digest; a change of its state (recovered after a final failure) is notified.
 */
class NotifyOnChangeNotOnRepetitionTest extends NotificationTest {

    @Autowired
    DailySummary dailySummary;

    void stubServices() {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        issuesAnswer("[]");
        createdIssue(11);
    }

    private List<String> slackMessagesAbout(String text) {
        return slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_PATH))).stream().map(r -> r.getBodyAsString())
                .filter(b -> b.contains(text)).toList();
    }

    private String auditStatus(long eventId) {
        return jdbc.queryForObject("SELECT status FROM phase4_event_deliveries WHERE event_id = ? AND consumer = "
                + "'audit'", String.class, eventId);
    }

    private int auditTickets(List<Long> eventIds) {
        return eventIds.stream().mapToInt(id -> jdbc.queryForObject(
                "SELECT count(*) FROM phase4_audit_tickets WHERE event_id = ?", Integer.class, id)).sum();
    }

    @Test
    void theSameDispatchRefusalFourTimesIsOneMessageOneTicketAndThreeRepeatsInTheDigest() throws Exception {
        stubServices();
        String repo = uniqueRepository("dispatch422");
        List<Long> events = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            events.add(outbox.record("dead_letter", repo, null, null, map("method", "POST",
                    "url", "https://api.github.com/repos/" + repo + "/actions/workflows/" + (900 + i) + "/dispatches",
                    "route", "scheduling-dispatch", "status", 422, "category", "configuration",
                    "message", "Workflow does not have 'workflow_dispatch' trigger")));
        }

        for (long id : events) {
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStatus(id), "done"::equals);
            await().atMost(Duration.ofSeconds(30)).until(() -> auditStatus(id), "done"::equals);
        }

        assertThat(slackMessagesAbout(repo)).hasSize(1);
        assertThat(auditTickets(events)).isEqualTo(1);
        assertThat(outcomes(events.get(0), "slack")).containsExactly("sent");
        for (long id : events.subList(1, 4)) {
            assertThat(outcomes(id, "slack")).isEmpty();
            assertThat(outcomes(id, "log")).containsExactly("skipped");
        }
        long summary = dailySummary.record();
        JsonNode repeat = repeatOf(summary, repo);
        assertThat(repeat.path("count").asLong()).isEqualTo(3);
        String key = "dead_letter:POST /repos/" + repo + "/actions/workflows/:id/dispatches 422 configuration";
        assertThat(repeat.path("key").asText()).isEqualTo(key);
        assertThat(jdbc.queryForMap("SELECT occurrences, suppressed, state FROM phase4_notification_problems "
                + "WHERE problem_key = ?", key)).containsEntry("occurrences", 4L).containsEntry("suppressed", 3L)
                .containsEntry("state", "dead");
        // the digest is in the summary's Slack message
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStatus(summary), "done"::equals);
        assertThat(slackMessagesAbout("Repeats not notified again")).anySatisfy(m -> assertThat(m)
                .contains(key + "`: 3\u00d7, dead"));
    }

    @Test
    void reprocessingAFinalFailureDoesNotSendItAgainButItsRecoveryIsSent() throws Exception {
        stubServices();
        String repo = uniqueRepository("reprocess");
        long run = runId();
        long first = outbox.record("final_failure", repo, run, 3, finalFailure(repo, run, "deterministic", "boom"));
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStatus(first), "done"::equals);
        long again = outbox.record("final_failure", repo, run, 3, finalFailure(repo, run, "deterministic", "boom"));
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStatus(again), "done"::equals);
        await().atMost(Duration.ofSeconds(30)).until(() -> auditStatus(again), "done"::equals);

        assertThat(slackMessagesAbout(repo)).hasSize(1);
        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));
        assertThat(auditTickets(List.of(first, again))).isEqualTo(1);

        var recovered = runPayload(repo, run, 4);
        recovered.put("attempts", 1);
        recovered.put("category", "deterministic");
        long back = outbox.record("recovered", repo, run, 4, recovered);
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStatus(back), "done"::equals);
        assertThat(outcomes(back, "slack")).containsExactly("sent");
        assertThat(slackMessagesAbout(repo)).hasSize(2);
    }

    private JsonNode repeatOf(long summaryId, String repo) throws Exception {
        JsonNode payload = mapper().readTree(jdbc.queryForObject("SELECT payload::text FROM phase4_events WHERE id = ?",
                String.class, summaryId));
        for (JsonNode r : payload.path("repeats")) {
            if (r.path("key").asText().contains(repo)) {
                return r;
            }
        }
        throw new AssertionError("no repeat about " + repo + " in " + payload);
    }
}
