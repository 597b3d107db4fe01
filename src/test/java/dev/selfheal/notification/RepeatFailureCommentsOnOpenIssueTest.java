package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One open issue per repository + workflow + category: a second final failure of the same workflow comments on
 * the issue found by its marker instead of opening another; a recovered run comments on it too.
 */
class RepeatFailureCommentsOnOpenIssueTest extends NotificationTest {

    @Test
    void secondFailureAndRecoveryCommentOnTheExistingIssue() {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        String repo = uniqueRepository("repeat");
        issuesAnswer("[]");
        createdIssue(51);
        github.stubFor(post(urlPathMatching("/repos/octo-org/[^/]+/issues/51/comments")).willReturn(aResponse()
                .withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":1,\"html_url\":\"https://github.com/octo-org/r/issues/51#issuecomment-1\"}")));

        long run1 = runId();
        long first = outbox.record("final_failure", repo, run1, 3, finalFailure(repo, run1, "deterministic", "FAILED A"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(deliveryStatus(first)));
        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));

        // GitHub now lists the open issue, with the marker Selfheal wrote, next to an unrelated one
        String marker = "<!-- selfheal:key=" + repo + "/workflow-101/deterministic -->";
        issuesAnswer("[{\"number\":50,\"html_url\":\"https://github.com/octo-org/r/issues/50\",\"body\":\"other\"},"
                + "{\"number\":51,\"html_url\":\"https://github.com/octo-org/r/issues/51\",\"body\":\"text\\n\\n"
                + marker.replace("\"", "\\\"") + "\"}]");
        long run2 = runId();
        long second = outbox.record("final_failure", repo, run2, 3, finalFailure(repo, run2, "deterministic", "FAILED B"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(deliveryStatus(second)));

        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));
        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/51/comments"))
                .withRequestBody(containing("**Again**")).withRequestBody(containing("FAILED B")));
        github.verify(getRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));
        assertThat(outcomes(second, "github_comment")).containsExactly("sent");

        // a different category is a different problem: its own issue
        long run3 = runId();
        long third = outbox.record("final_failure", repo, run3, 3, finalFailure(repo, run3, "permission", "HTTP 403"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(deliveryStatus(third)));
        github.verify(2, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));

        var p = runPayload(repo, run2, 2);
        p.put("conclusion", "success");
        p.put("attempts", 2);
        long healed = outbox.record("recovered", repo, run2, 2, p);
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(deliveryStatus(healed)));
        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/51/comments"))
                .withRequestBody(containing("**Recovered**")));
        github.verify(2, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));
    }
}
