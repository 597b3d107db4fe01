package dev.selfheal.detection;

import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Overload: a burst of deliveries sent all at once, far more than the service classifies in the time, is answered
 * 202 each (intake is one transaction; classification and the detection rules come later, from the outbox), and
 * the backlog drains: every run re-run exactly once, none lost, none twice.
 */
class WebhookBurstIsAcceptedAndEachRunReRunOnceTest extends CoreLoopTest {

    static final int BURST = 300;

    @Test
    void everyDeliveryOfTheBurstGets202AndEveryRunIsReRunOnce() {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String actions = "/repos/" + GitHubStandIn.REPO + "/actions";
        GitHubStandIn.stubEveryRunLosesItsRunner(wm, wm.baseUrl(), GitHubStandIn.REPO, 1);
        github.stubRerunAccepted();

        long first = newRunId() * 1000;
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            long runId = first + i;
            String body = GitHubStandIn.workflowRunEvent(GitHubFixtures.workflowRun(wm.baseUrl(), GitHubStandIn.REPO,
                    runId, 1, 77, "CI", "failure", t.minusSeconds(60), t));
            answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/webhooks/github")).header("Content-Type", "application/json")
                    .header("X-GitHub-Event", "workflow_run").header("X-GitHub-Delivery", "burst-" + runId)
                    .header("X-Hub-Signature-256", GitHubStandIn.sign(body, GitHubStandIn.SECRET))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }

        Map<Integer, Long> statuses = answers.stream().map(CompletableFuture::join)
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
        assertThat(statuses).containsExactly(Map.entry(202, (long) BURST));

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM phase4_retry_history WHERE original_run_id BETWEEN ? AND ? AND status = 'sent'",
                Long.class, first, first + BURST - 1) == BURST);
        Map<String, Long> rerunsPerRun = wm.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlPathMatching(actions + "/runs/\\d+/rerun-failed-jobs"))).stream().map(LoggedRequest::getUrl)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(rerunsPerRun).hasSize(BURST);
        assertThat(rerunsPerRun.values()).allMatch(n -> n == 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE run_id BETWEEN ? AND ? AND "
                + "event_type = 'run_completed'", Long.class, first, first + BURST - 1)).isEqualTo(BURST);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_retry_history WHERE original_run_id BETWEEN ? "
                + "AND ?", Long.class, first, first + BURST - 1)).isEqualTo(BURST);
    }
}
