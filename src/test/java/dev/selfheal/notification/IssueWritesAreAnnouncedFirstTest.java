package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Several instances share one database: a GitHub issue or comment is announced (phase4_issue_intents) before it is
 * written. An issue another instance is opening right now is waited for and commented on, not opened twice; a
 * comment whose instance died between posting and recording is found by its event marker and not posted again.
 * The other instance is played by rows written the way it would write them.
 */
class IssueWritesAreAnnouncedFirstTest extends NotificationTest {

    @Autowired
    CamelContext camel;

    private static void commentsAccepted(String repo, int number) {
        github.stubFor(post(urlPathEqualTo("/repos/" + repo + "/issues/" + number + "/comments")).willReturn(
                aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(
                        "{\"id\":1,\"html_url\":\"https://github.com/" + repo + "/issues/" + number
                                + "#issuecomment-1\"}")));
    }

    @Test
    void anIssueAnotherInstanceIsOpeningIsCommentedOnNotOpenedAgain() {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        issuesAnswer("[]");
        createdIssue(60);
        String repo = uniqueRepository("intent-create");
        commentsAccepted(repo, 61);
        String intent = "create:" + repo + "/workflow-101/deterministic";
        jdbc.update("INSERT INTO phase4_issue_intents (intent_key, event_id) VALUES (?, NULL)", intent);

        long run = runId();
        long event = outbox.record("final_failure", repo, run, 3, finalFailure(repo, run, "deterministic", "FAILED"));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("SELECT count(*) FROM "
                + "phase4_event_deliveries WHERE event_id = ? AND consumer = 'notification' AND last_error LIKE "
                + "'%another instance%'", Long.class, event) > 0);
        github.verify(0, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));

        // the other instance has opened issue 61: GitHub lists it with its marker
        jdbc.update("UPDATE phase4_issue_intents SET done_at = now(), issue_number = 61, link = ? WHERE intent_key = ?",
                "https://github.com/" + repo + "/issues/61", intent);
        issuesAnswer("[{\"number\":61,\"html_url\":\"https://github.com/" + repo + "/issues/61\",\"body\":\"t\\n\\n"
                + GitHubIssuesMarker.of(repo).replace("\"", "\\\"") + "\"}]");
        await().atMost(Duration.ofSeconds(40)).until(() -> deliveryStatus(event), "done"::equals);
        github.verify(0, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));
        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/61/comments")));
        assertThat(outcomes(event, "github_comment")).containsExactly("sent");
    }

    @Test
    void aCommentPostedByAnInstanceThatDiedBeforeRecordingItIsNotPostedAgain() throws Exception {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        String repo = uniqueRepository("intent-comment");
        String marker = GitHubIssuesMarker.of(repo);
        issuesAnswer("[{\"number\":71,\"html_url\":\"https://github.com/" + repo + "/issues/71\",\"body\":\"t\\n\\n"
                + marker.replace("\"", "\\\"") + "\"}]");
        commentsAccepted(repo, 71);

        camel.getRouteController().stopRoute("notification-poll");
        long run = runId();
        long posted;
        long notPosted;
        try {
            posted = outbox.record("final_failure", repo, run, 3, finalFailure(repo, run, "deterministic", "A"));
            notPosted = outbox.record("final_failure", repo, run + 1, 3,
                    finalFailure(repo, run + 1, "deterministic", "B"));
            for (long e : new long[] {posted, notPosted}) {
                jdbc.update("INSERT INTO phase4_issue_intents (intent_key, event_id, claimed_at) VALUES (?, ?, "
                        + "now() - interval '10 minutes')", "comment:" + e + ":71", e);
            }
            // GitHub has the first event's comment (its marker), not the second's
            github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/issues/71/comments")).willReturn(okJson(
                    "[{\"id\":9,\"html_url\":\"https://github.com/" + repo + "/issues/71#issuecomment-9\","
                            + "\"body\":\"**Again**: ...\\n\\n<!-- selfheal:event=" + posted + " -->\"}]")));
        } finally {
            camel.getRouteController().startRoute("notification-poll");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStatus(posted), "done"::equals);
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStatus(notPosted), "done"::equals);

        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/71/comments")));
        github.verify(postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/71/comments"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(
                        "selfheal:event=" + notPosted)));
        github.verify(2, getRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/71/comments")));
        assertThat(outcomes(posted, "github_comment")).containsExactly("sent");
        assertThat(outcomes(notPosted, "github_comment")).containsExactly("sent");
        github.verify(0, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));
    }

    /** The key marker Selfheal writes into the issue of a repository's workflow 101, category deterministic. */
    static final class GitHubIssuesMarker {
        static String of(String repo) {
            return GitHubIssues.marker(repo + "/workflow-101/deterministic");
        }
    }
}
