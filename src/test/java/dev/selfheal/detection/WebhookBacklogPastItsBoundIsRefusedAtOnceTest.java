package dev.selfheal.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.GitHubStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Intake past its bound: while recording is held up (the metrics table locked), two deliveries wait to be
 * recorded (selfheal.webhook.max-pending 2) and a third is answered 503 with Retry-After at once, not after the
 * wait; when recording resumes the two are answered 202 and the third, sent again, too. Nothing is lost.
 */
class WebhookBacklogPastItsBoundIsRefusedAtOnceTest extends CoreLoopTest {

    @DynamicPropertySource
    static void bound(DynamicPropertyRegistry r) {
        r.add("selfheal.webhook.max-pending", () -> "2");
    }

    @Test
    void theDeliveryPastTheBoundGets503WhileTheOthersWait() throws Exception {
        GitHubStandIn.stubEveryRunLosesItsRunner(wm, wm.baseUrl(), GitHubStandIn.REPO, 1);
        github.stubRerunAccepted();
        long first = newRunId() * 10;
        HttpClient http = HttpClient.newHttpClient();
        try (Connection lock = DriverManager.getConnection(ExternalPostgres.jdbcUrl(), "postgres", "")) {
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("LOCK TABLE phase4_metrics IN EXCLUSIVE MODE");
            }
            CompletableFuture<HttpResponse<String>> a = send(http, first);
            CompletableFuture<HttpResponse<String>> b = send(http, first + 1);
            // both are inside intake, waiting for the lock
            await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("SELECT count(*) FROM "
                    + "pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query "
                    + "LIKE '%phase4_metrics%'", Long.class) >= 2);

            HttpResponse<String> third = send(http, first + 2).get(10, TimeUnit.SECONDS);
            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(third.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(third.body()).contains("busy").doesNotContain("workflow_run");
            assertThat(a).isNotDone();
            assertThat(b).isNotDone();

            lock.rollback();
            assertThat(List.of(a.get(30, TimeUnit.SECONDS).statusCode(), b.get(30, TimeUnit.SECONDS).statusCode()))
                    .containsOnly(202);
        }
        assertThat(send(http, first + 2).get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_metrics WHERE run_id BETWEEN ? AND ?", Long.class,
                first, first + 2)).isEqualTo(3);
    }

    private CompletableFuture<HttpResponse<String>> send(HttpClient http, long runId) {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String body = GitHubStandIn.workflowRunEvent(GitHubFixtures.workflowRun(wm.baseUrl(), GitHubStandIn.REPO,
                runId, 1, 77, "CI", "failure", t.minusSeconds(60), t));
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "workflow_run")
                .header("X-GitHub-Delivery", "bound-" + runId + "-" + System.nanoTime())
                .header("X-Hub-Signature-256", GitHubStandIn.sign(body, GitHubStandIn.SECRET))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
