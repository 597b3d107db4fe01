package dev.selfheal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.SelfhealApplication;
import dev.selfheal.test.ExternalPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The README's first command, minus the wait for the minute's poll: the demo profile with its sandbox and the
 * shipped policies heals demo/flaky (one re-run, verified), does not re-run demo/broken (issue, Slack, audit
 * ticket), records demo/no-dispatch's 422 with the fix, and writes the day's report folder.
 */
class DemoShowsTheWholeLoopTest {

    static final String DATABASE = "selfheal_test_demo";

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void demoHealsTheFlakyRunAndReportsTheBrokenOne(org.springframework.boot.test.system.CapturedOutput console)
            throws Exception {
        // a database of its own: the shipped policy's hourly re-run budget must not see the other tests' re-runs
        try (Connection c = DriverManager.getConnection(ExternalPostgres.serverUrl() + "postgres", "postgres", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            c.createStatement().execute("CREATE DATABASE " + DATABASE);
        }
        int sandboxPort;
        try (ServerSocket s = new ServerSocket(0)) {
            sandboxPort = s.getLocalPort();
        }
        Path data = Files.createTempDirectory("selfheal-demo");
        ConfigurableApplicationContext demo = new SpringApplicationBuilder(SelfhealApplication.class)
                .profiles("demo").run("--server.port=0", "--management.server.port=0", "--selfheal.sandbox.port=" + sandboxPort,
                        "--selfheal.data-dir=" + data, "--spring.datasource.url=" + ExternalPostgres.serverUrl()
                                + DATABASE, "--spring.datasource.username=postgres",
                        "--selfheal.outbox.evidence.poll-period=1s", "--selfheal.outbox.evidence.poll-delay=1s");
        try {
            JdbcTemplate jdbc = demo.getBean(JdbcTemplate.class);
            ProducerTemplate template = demo.getBean(ProducerTemplate.class);
            GitHubSandbox sandbox = demo.getBean(GitHubSandbox.class);

            template.sendBody("direct:detection-poll-repositories", null);
            await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForList("SELECT status FROM "
                    + "phase4_retry_history WHERE original_run_id = 2001", String.class), s -> s.contains("sent"));
            // the next poll sees attempt 2 of demo/flaky, now green
            template.sendBody("direct:detection-poll-repositories", null);
            await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject("SELECT recovered FROM "
                    + "phase4_metrics WHERE run_id = 2001", Boolean.class));
            String dispatched = template.requestBody("direct:scheduling-dispatch", "demo/no-dispatch:401@main",
                    String.class);

            assertThat(dispatched).isEqualTo("refused");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_retry_history WHERE original_run_id = 2001",
                    Integer.class)).as("one re-run healed it").isEqualTo(1);
            assertThat(jdbc.queryForMap("SELECT final_failure, failure_category FROM phase4_metrics WHERE run_id = "
                    + "3001")).containsEntry("final_failure", true).containsEntry("failure_category", "deterministic");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_retry_history WHERE original_run_id = 3001",
                    Integer.class)).as("never re-run").isZero();
            assertThat(jdbc.queryForObject("SELECT payload->>'fix' FROM phase4_events WHERE event_type = "
                    + "'dead_letter' AND repository = 'demo/no-dispatch' LIMIT 1", String.class))
                    .contains("workflow_dispatch is on the default branch");

            await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.slackMessages().stream()
                    .anyMatch(m -> m.contains("demo/broken")) && sandbox.slackMessages().stream()
                    .anyMatch(m -> m.contains("demo/flaky")));
            Path day = await().atMost(Duration.ofSeconds(60)).until(() -> dayFolder(data),
                    DemoShowsTheWholeLoopTest::complete);
            assertThat(day.resolve("RUNS_SUMMARY.json")).exists();
            assertThat(day.resolve("AUTO_RETRY_MANIFEST.json")).content().contains("2001");
            assertThat(day.resolve("logs").resolve("retry_log_" + day.getFileName().toString().replace("-", "")
                    + ".log")).content().contains("demo/flaky#2001#2 recovered after 1 re-run");
            assertThat(String.join("\n", sandbox.slackMessages())).doesNotContain("demo-sandbox-token-not-a-secret");

            // the evidence says true things
            // the issue link names the repository
            await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForList("SELECT link FROM "
                    + "phase4_notifications WHERE repository = 'demo/broken' AND channel = 'github_issue' AND "
                    + "outcome = 'sent'", String.class), l -> !l.isEmpty());
            assertThat(jdbc.queryForList("SELECT link FROM phase4_notifications WHERE repository = 'demo/broken' "
                    + "AND channel = 'github_issue' AND outcome = 'sent'", String.class))
                    .allMatch(l -> l.startsWith("https://github.com/demo/broken/issues/"));
            // demo/broken's ticket lists the files collected in artifacts/3001/
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            Path reports = data.resolve("docs").resolve("reports");
            await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForList("SELECT t.json_path FROM "
                    + "phase4_audit_tickets t JOIN phase4_events e ON e.id = t.event_id WHERE e.run_id = 3001 AND "
                    + "e.event_type = 'final_failure'", String.class), l -> !l.isEmpty()
                    && "collected".equals(field(reports.resolve(l.get(0)), "artifactsStatus")));
            String ticketPath = jdbc.queryForObject("SELECT t.md_path FROM phase4_audit_tickets t JOIN phase4_events e "
                    + "ON e.id = t.event_id WHERE e.run_id = 3001 AND e.event_type = 'final_failure'", String.class);
            assertThat(reports.resolve(ticketPath)).content().doesNotContain("None collected", "Not collected yet")
                    .contains("artifacts/3001/");
            String dayName = day.getFileName().toString().replace("-", "");
            // the real wait of the re-run, on our clock
            assertThat(day.resolve("logs").resolve("retry_log_" + dayName + ".log")).content()
                    .containsPattern("demo/flaky#2001 re-run 1 requested \\(HTTP 201, .*with back-off .* s, due .*, "
                            + "sent .*: waited .* s, .* s (after|before) its due time \\(Selfheal's clock\\)\\)")
                    .contains("Selfheal's clock; GitHub's clock: failed attempt completed");
            // 401 is the workflow id, not an HTTP status
            assertThat(day.resolve("logs").resolve("detection_log_" + dayName + ".log")).content()
                    .contains("dispatch of workflow 401 (workflow id) on demo/no-dispatch@main refused")
                    .doesNotContain("dispatch of 401");
            // GitHub's run_number is kept
            assertThat(json.readTree(day.resolve("RUNS_SUMMARY.json").toFile()).path("runs").findValues("run_number"))
                    .isNotEmpty().noneMatch(com.fasterxml.jackson.databind.JsonNode::isNull);
            // the console tells the story: one line per decision, no Block Kit payloads
            assertThat(console.getOut()).contains("selfheal.retry").contains("demo/flaky#2001#1 classified "
                    + "transient_infrastructure").contains("demo/flaky#2001#2 recovered after 1 re-run");
            assertThat(console.getOut().lines().filter(l -> l.contains("Slack message captured by the sandbox")))
                    .isNotEmpty().allSatisfy(l -> assertThat(l.length()).isLessThan(500));
        } finally {
            demo.close();
        }
    }

    static String field(Path json, String name) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile()).path(name).asText();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    static Path dayFolder(Path data) throws Exception {
        Path reports = data.resolve("docs").resolve("reports");
        if (!Files.isDirectory(reports)) {
            return null;
        }
        try (Stream<Path> days = Files.list(reports)) {
            List<Path> all = days.sorted().toList();
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }
    }

    /** The day's folder holds the index (listing demo/flaky) and at least one audit ticket. */
    static boolean complete(Path day) {
        try {
            return day != null && Files.exists(day.resolve("_evidence_index.md")) && hasTicket(day)
                    && Files.readString(day.resolve("_evidence_index.md")).contains("demo/flaky");
        } catch (Exception e) {
            return false;
        }
    }

    static boolean hasTicket(Path day) throws Exception {
        Path tickets = day.resolve("audit_tickets");
        if (!Files.isDirectory(tickets)) {
            return false;
        }
        try (Stream<Path> files = Files.list(tickets)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".json"));
        }
    }
}
