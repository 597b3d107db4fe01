package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.SelfhealApplication;
import dev.selfheal.test.DayLogs;
import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.TestPolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A re-run waits as a due time on its row, not in a thread: stop the service while it waits and start it again,
 * and the re-run is sent exactly once, by the new process, after its due time.
 */
class PendingRetrySurvivesRestartTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    ConfigurableApplicationContext start(Path config, Path data) {
        return new SpringApplicationBuilder(SelfhealApplication.class).profiles("test").run(
                "--server.port=0", "--spring.datasource.url=" + ExternalPostgres.jdbcUrl(),
                "--spring.datasource.username=postgres", "--selfheal.github.api-url=" + wm.baseUrl(),
                "--selfheal.config-dir=" + config, "--selfheal.data-dir=" + data,
                "--selfheal.github.webhook-secret=" + GitHubStandIn.SECRET,
                "--selfheal.github.repositories=" + GitHubStandIn.REPO, "--selfheal.retry.dispatch-period-ms=100");
    }

    @Test
    void pendingRetryIsSentOnceAfterRestart() throws Exception {
        ExternalPostgres.ensureDatabase();
        Path config = TestPolicies.fast();
        // the first re-run waits 4 s: long enough to stop the service before it is due
        TestPolicies.edit(config, "phase4-retry-policy.json",
                p -> ((ObjectNode) p.path("run").path("backoff")).put("initialSeconds", 4));
        Path data = Files.createTempDirectory("selfheal-restart");
        GitHubStandIn github = new GitHubStandIn(wm);
        github.stubRerunAccepted();
        long runId = System.currentTimeMillis() * 10 + 7;
        ObjectNode run = github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST);
        String rerun = GitHubStandIn.rerunPath(runId);

        ConfigurableApplicationContext first = start(config, data);
        JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
        int port = Integer.parseInt(first.getEnvironment().getProperty("local.server.port"));
        github.deliverRun(port, run);
        await().atMost(Duration.ofSeconds(20)).until(() -> statuses(jdbc, runId), s -> s.equals(List.of("pending")));
        java.time.Instant due = jdbc.queryForObject("SELECT due_at FROM phase4_retry_history WHERE original_run_id = ?",
                java.sql.Timestamp.class, runId).toInstant();
        first.close();
        wm.verify(0, postRequestedFor(urlPathEqualTo(rerun)));
        // down past the due time: the re-run goes out late, and the retry log must say so
        Thread.sleep(Math.max(0, Duration.between(java.time.Instant.now(), due.plusSeconds(3)).toMillis()));

        ConfigurableApplicationContext second = start(config, data);
        try {
            JdbcTemplate jdbc2 = second.getBean(JdbcTemplate.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> statuses(jdbc2, runId), s -> s.equals(List.of("sent")));
            // and no second send of the same re-run
            Thread.sleep(1_000);
            wm.verify(1, postRequestedFor(urlPathEqualTo(rerun)));
            assertThat(statuses(jdbc2, runId)).containsExactly("sent");
            // the retry log tells the wait as it happened: sent after the restart, later than its due time
            // (it said "waited 4.0 s", the back-off, whatever the real wait)
            java.util.Map<String, Object> row = jdbc2.queryForMap("SELECT created_at, due_at, requested_at FROM "
                    + "phase4_retry_history WHERE original_run_id = ?", runId);
            java.time.Instant sent = ((java.sql.Timestamp) row.get("requested_at")).toInstant();
            double late = Duration.between(((java.sql.Timestamp) row.get("due_at")).toInstant(), sent).toMillis()
                    / 1000.0;
            double waited = Duration.between(((java.sql.Timestamp) row.get("created_at")).toInstant(), sent)
                    .toMillis() / 1000.0;
            assertThat(late).isGreaterThanOrEqualTo(3);
            String line = DayLogs.lines(data.resolve("docs").resolve("reports"), "retry").stream()
                    .filter(l -> l.contains("#" + runId + " re-run 1 requested")).findFirst().orElseThrow();
            assertThat(line).doesNotContain("waited 4.0 s,").contains("with back-off 4.0 s, due ",
                    String.format(java.util.Locale.ROOT, "waited %.1f s, %.1f s after its due time", waited, late));
        } finally {
            second.close();
        }
    }

    static List<String> statuses(JdbcTemplate jdbc, long runId) {
        return jdbc.queryForList("SELECT status FROM phase4_retry_history WHERE original_run_id = ? ORDER BY attempt",
                String.class, runId);
    }
}
