package dev.selfheal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The demo's sandbox answers Slack as Slack does (200 "ok") and keeps each message so the demo can show it. */
class SandboxCapturesSlackMessagesTest {

    @Test
    void aPostedMessageIsAnsweredOkAndKept() throws Exception {
        try (GitHubSandbox sandbox = new GitHubSandbox(0)) {
            String message = "{\"text\":\"Final failure: CI in demo/broken\"}";
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(sandbox.slackWebhookUrl())).POST(HttpRequest.BodyPublishers.ofString(message)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("ok");
            assertThat(sandbox.slackMessages()).containsExactly(message);
        }
    }
}
