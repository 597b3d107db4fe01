package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Slack answers 500: the notification goes to a GitHub issue instead, and the delivery is settled. */
class SlackServerErrorFallsBackToIssueTest extends NotificationTest {

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
