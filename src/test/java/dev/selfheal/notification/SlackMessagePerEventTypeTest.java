package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Slack message of each event type: what it says (repository, workflow, run link, attempt, category, risk,
 * what Selfheal did), its links (GitHub issue, audit ticket), Block Kit shape, and that a planted secret of each
 * kind never reaches Slack or GitHub.
 */
class SlackMessagePerEventTypeTest extends NotificationTest {

    static final String PLANTED = " leaked: " + GITHUB_PAT + " " + SLACK_BOT + " " + SLACK_HOOK + " "
            + CONFIGURED_TOKEN + " " + CONFIGURED_WEBHOOK_SECRET;

    void stubServices() {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        issuesAnswer("[]");
        github.stubFor(post(urlPathMatching("/repos/octo-org/([^/]+)/issues")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"number\":7,\"html_url\":\"https://github.com/octo-org/x/issues/7\",\"state\":\"open\"}")));
    }

    @Test
    void finalFailureNamesTheRunItsRiskTheIssueAndTheAuditTicket() throws Exception {
        stubServices();
        String repo = uniqueRepository("final");
        long run = runId();
        long eventId = outbox.record("final_failure", repo, run, 3,
                finalFailure(repo, run, "deterministic", "[ERROR] BUILD FAILURE" + PLANTED));

        JsonNode message = slackMessageAbout(repo);
        String all = message.toString();
        assertThat(all).contains(repo, "*Workflow*\\nCI", "<https://github.com/" + repo + "/actions/runs/" + run + "|#" + run + ">",
                "*Attempt*\\n3", "*Category*\\ndeterministic", "*Risk level*\\nhigh", "Gave up after 2 automatic re-run(s)",
                "GitHub issue: <https://github.com/octo-org/x/issues/7>", "Audit ticket: docs/reports/");
        assertThat(message.get("blocks").get(0).get("type").asText()).isEqualTo("header");
        assertNoSecret(all);

        // the issue carries the same facts, labels and the stable marker
        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues"))
                .withRequestBody(containing("<!-- selfheal:key=" + repo + "/workflow-101/deterministic -->"))
                .withRequestBody(containing("\"labels\":[\"selfheal\",\"risk:high\"]")));
        String issueBody = github.findAll(postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues"))).get(0)
                .getBodyAsString();
        assertNoSecret(issueBody);

        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(deliveryStatus(eventId)));
        assertThat(jdbc.queryForList("SELECT channel FROM phase4_notifications WHERE event_id = ? AND outcome = 'sent' "
                + "ORDER BY channel", String.class, eventId)).containsExactly("github_issue", "slack");
    }

    @Test
    void unknownFailureShowsItsErrorLinesAndTheSuggestedRule() throws Exception {
        stubServices();
        String repo = uniqueRepository("unknown");
        long run = runId();
        outbox.record("final_failure", repo, run, 1, unknownFinalFailure(repo, run));

        String all = slackMessageAbout(repo).toString();

        assertThat(all).contains("*Category*\\nunknown", "*Last error lines* (no rule recognised them)",
                "Error: Deployment 8812 of environment 'staging' was rejected by protection rule 3",
                "*Suggested rule*", "suggested-was-rejected-by-protection-rule", "CHOOSE-A-CATEGORY",
                "was rejected by protection rule\\\"],");
        assertNoSecret(all);
    }

    @Test
    void recoveredSaysHowItHealedWithLowRisk() throws Exception {
        stubServices();
        String repo = uniqueRepository("recovered");
        long run = runId();
        ObjectNode p = runPayload(repo, run, 2);
        p.put("conclusion", "success");
        p.put("attempts", 2);
        p.put("timeToRecoverSeconds", 95);
        p.put("githubTimeToRecoverSeconds", 88);
        p.put("detail", "healed" + PLANTED);
        outbox.record("recovered", repo, run, 2, p);

        String all = slackMessageAbout(repo).toString();
        assertThat(all).contains(":white_check_mark: Recovered: CI in " + repo, "the run succeeded after 2 attempt(s) (time to recovery: 95 s on Selfheal's clock, first sight to "
                + "verification; 88 s on GitHub's clock, failed attempt to successful attempt)",
                "*Risk level*\\nlow", "/actions/runs/" + run);
        assertNoSecret(all);
        // success events do not open issues
        github.verify(0, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues")));
    }

    @Test
    void guardViolationNamesTheRule() throws Exception {
        stubServices();
        String repo = uniqueRepository("guard");
        long run = runId();
        ObjectNode p = runPayload(repo, run, 1);
        p.put("rule", "hourly_budget");
        p.put("detail", "31 re-runs in the last hour" + PLANTED);
        outbox.record("guard_violation", repo, run, 1, p);

        String all = slackMessageAbout(repo).toString();
        assertThat(all).contains("CI guard stopped retries", "guard hourly_budget tripped", "*Risk level*\\nhigh",
                "Audit ticket: docs/reports/");
        assertNoSecret(all);
        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues"))
                .withRequestBody(containing("selfheal:key=" + repo + "/workflow-101/guard-hourly_budget")));
    }

    @Test
    void deadLetterNamesTheCallAndItsStatus() throws Exception {
        stubServices();
        String repo = uniqueRepository("deadletter");
        outbox.record("dead_letter", repo, null, null, map("method", "POST",
                "url", "https://api.github.com/repos/" + repo + "/actions/workflows/401/dispatches", "route", "retry-execute",
                "status", 422, "category", "configuration", "message", "Workflow does not have 'workflow_dispatch' "
                        + "trigger" + PLANTED));

        String all = slackMessageAbout(repo).toString();
        assertThat(all).contains("GitHub call failed for good", "Did not retry POST", "422 configuration",
                "*Risk level*\\nmedium", "workflow_dispatch");
        assertNoSecret(all);
    }

    @Test
    void detectionNamesWhatWasDetected() throws Exception {
        stubServices();
        String repo = uniqueRepository("detection");
        outbox.record("detection", repo, null, null, map("ruleId", "failure-rate", "type", "failure_rate",
                "action", "notify", "value", 0.6, "threshold", 0.3, "detail", "6 of 10 runs failed" + PLANTED));

        String all = slackMessageAbout(repo).toString();
        assertThat(all).contains("Detection: failure_rate in " + repo, "value 0.6, threshold 0.3", "action: notify");
        assertNoSecret(all);
    }

    static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(GITHUB_PAT, SLACK_BOT, SLACK_HOOK, CONFIGURED_TOKEN, CONFIGURED_WEBHOOK_SECRET,
                "slacktestsecretpath");
        assertThat(text).contains("[MASKED:");
    }

    JsonNode slackMessageAbout(String repo) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> !slackRequests(repo).isEmpty());
        List<LoggedRequest> requests = slackRequests(repo);
        assertThat(requests).hasSize(1);
        return mapper().readTree(requests.get(0).getBodyAsString());
    }

    static List<LoggedRequest> slackRequests(String repo) {
        return slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_PATH)).withRequestBody(containing(repo)));
    }
}
