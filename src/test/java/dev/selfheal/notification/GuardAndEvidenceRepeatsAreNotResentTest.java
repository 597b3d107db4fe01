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
 * A guard violation or missing evidence of the same run, recorded again (the run reprocessed), is a repeat of
 * the same problem: one Slack message, not two.
 */
class GuardAndEvidenceRepeatsAreNotResentTest extends NotificationTest {

    private long slackMessagesAbout(String text) {
        return slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_PATH))).stream()
                .filter(r -> r.getBodyAsString().contains(text)).count();
    }

    @Test
    void theSameGuardViolationOfARunTwiceIsOneMessage() {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        issuesAnswer("[]");
        createdIssue(31);
        String repo = uniqueRepository("guardrepeat");
        long run = runId();
        for (int i = 0; i < 2; i++) {
            var payload = runPayload(repo, run, 3);
            payload.put("rule", "max_attempts");
            payload.put("detail", "3 re-runs already");
            long id = outbox.record("guard_violation", repo, run, null, payload);
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStatus(id), "done"::equals);
        }
        assertThat(slackMessagesAbout(repo)).isEqualTo(1);
    }

    @Test
    void missingEvidenceOfARunTwiceIsOneMessage() {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        String repo = uniqueRepository("evidencerepeat");
        long run = runId();
        for (int i = 0; i < 2; i++) {
            var payload = runPayload(repo, run, 1);
            payload.put("missing", "logs: 410 Gone");
            long id = outbox.record("evidence_missing", repo, run, null, payload);
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStatus(id), "done"::equals);
        }
        assertThat(slackMessagesAbout(repo)).isEqualTo(1);
    }
}
