package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Slack and GitHub both down: every attempt is recorded (rows and the day log), the delivery stays queued, and
 * when both come back the notification is delivered exactly once to each: nothing lost, nothing duplicated.
 */
class BothChannelsDownQueuesUntilBackTest extends NotificationTest {

    @Autowired
    dev.selfheal.reports.ReportFolders folders;

    @Test
    void recordedWhileDownDeliveredOnceWhenBack() throws Exception {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).inScenario("slack").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("service_unavailable")));
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).inScenario("slack").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withBody("ok")));
        github.stubFor(get(urlPathMatching("/repos/.*/issues")).inScenario("github")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503)));
        github.stubFor(get(urlPathMatching("/repos/.*/issues")).inScenario("github").whenScenarioStateIs("up")
                .willReturn(okJson("[]")));
        createdIssue(41);
        String repo = uniqueRepository("bothdown");
        long run = runId();
        long eventId = outbox.record("final_failure", repo, run, 3, finalFailure(repo, run, "deterministic",
                "Tests run: 120, Failures: 3"));

        // at least two rounds while both are down: each recorded, still pending
        await().atMost(Duration.ofSeconds(30)).until(() -> outcomes(eventId, "log").size() >= 2);
        assertThat(deliveryStatus(eventId)).isEqualTo("pending");
        assertThat(outcomes(eventId, "slack")).isNotEmpty().containsOnly("failed");
        assertThat(outcomes(eventId, "github_issue")).isNotEmpty().containsOnly("failed");
        assertThat(outcomes(eventId, "log")).containsOnly("queued");
        var dayLog = folders.dayFolder(folders.now(), "logs")
                .resolve("notification_log_" + dev.selfheal.reports.ReportFolders.compactDate(folders.now()) + ".log");
        assertThat(java.nio.file.Files.readString(dayLog)).contains("event=" + eventId + " type=final_failure",
                "channel=slack outcome=failed status=503", "channel=log outcome=queued");
        github.verify(0, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));

        slack.setScenarioState("slack", "up");
        github.setScenarioState("github", "up");
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(deliveryStatus(eventId)));

        assertThat(outcomes(eventId, "slack")).filteredOn("sent"::equals).hasSize(1);
        assertThat(outcomes(eventId, "github_issue")).filteredOn("sent"::equals).hasSize(1);
        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));
        int slackFailures = (int) outcomes(eventId, "slack").stream().filter("failed"::equals).count();
        slack.verify(slackFailures + 1, postRequestedFor(urlPathEqualTo(SLACK_PATH)).withRequestBody(containing(repo)));
        // the message that finally went out links the issue created when GitHub came back
        List<LoggedRequest> all = slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_PATH)));
        assertThat(all.get(all.size() - 1).getBodyAsString()).contains("https://github.com/octo-org/r/issues/41");
    }
}
