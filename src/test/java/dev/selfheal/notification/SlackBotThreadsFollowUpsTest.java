package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.config.SelfhealProperties;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With a Slack bot token and channel, messages go to the Web API's chat.postMessage (as Slack documents it:
 * https://api.slack.com/methods/chat.postMessage — {"ok":true,"channel":...,"ts":...}); a problem's first message
 * is the root of a thread and its follow-ups (the recovery of a run that failed for good) are replies to it.
 */
class SlackBotThreadsFollowUpsTest extends NotificationTest {

    private static final String BOT_TOKEN = "xoxb-" + "2222222222-3333333333-ThreadTestTokenValue0001";
    private static final String ROOT_TS = "1763888400.000100";

    @DynamicPropertySource
    static void bot(DynamicPropertyRegistry registry) {
        registry.add("selfheal.slack.bot-token", () -> BOT_TOKEN);
        registry.add("selfheal.slack.channel", () -> "C0SELFHEAL");
        registry.add("selfheal.slack.api-url", () -> slack.baseUrl() + "/api");
    }

    private List<JsonNode> postedAbout(String text) {
        return slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).stream()
                .map(r -> r.getBodyAsString()).filter(b -> b.contains(text)).map(b -> {
                    try {
                        return mapper().readTree(b);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }).toList();
    }

    @Test
    void aRecoveryAfterAFinalFailureIsAReplyInTheFailuresThread() throws Exception {
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody("{\"ok\":true,\"channel\":\"C0SELFHEAL\",\"ts\":\"" + ROOT_TS + "\",\"message\":{}}")));
        issuesAnswer("[]");
        createdIssue(21);
        String repo = uniqueRepository("threads");
        long run = runId();

        long failed = outbox.record("final_failure", repo, run, 3, finalFailure(repo, run, "deterministic", "boom"));
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStatus(failed), "done"::equals);
        var recovered = runPayload(repo, run, 4);
        recovered.put("attempts", 1);
        recovered.put("category", "deterministic");
        long back = outbox.record("recovered", repo, run, 4, recovered);
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStatus(back), "done"::equals);

        List<JsonNode> posted = postedAbout(repo);
        assertThat(posted).hasSize(2);
        assertThat(posted.get(0).path("channel").asText()).isEqualTo("C0SELFHEAL");
        assertThat(posted.get(0).has("thread_ts")).isFalse();
        assertThat(posted.get(1).path("thread_ts").asText()).isEqualTo(ROOT_TS);
        assertThat(posted.get(1).path("reply_broadcast").asBoolean()).isTrue();
        slack.verify(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withHeader("Authorization", equalTo("Bearer " + BOT_TOKEN)));
        // the incoming webhook is not used when a bot token is set
        slack.verify(0, postRequestedFor(urlPathEqualTo(SLACK_PATH)));
        assertThat(jdbc.queryForObject("SELECT slack_thread_ts FROM phase4_notification_problems WHERE problem_key = ?",
                String.class, "run:" + repo + "#" + run)).isEqualTo(ROOT_TS);
        assertThat(outcomes(back, "slack")).containsExactly("sent");
    }

    @Test
    void aBotTokenWithoutAChannelIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new SelfhealProperties.Slack(null, BOT_TOKEN, " ", URI.create("https://slack.com/api")))
                .hasMessageContaining("selfheal.slack.channel");
    }
}
