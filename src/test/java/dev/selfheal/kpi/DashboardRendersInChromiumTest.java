package dev.selfheal.kpi;

import dev.selfheal.test.HeadlessChromium;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.security.ManagementRole;
import dev.selfheal.security.ManagementUsers;
import dev.selfheal.test.ManagementLogin;
import dev.selfheal.test.SelfhealTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * /dashboard on the management port in a real browser: a viewer logs in through the management login form, the
 * page loads ECharts and its data from the management port, every chart has data points from this test's runs
 * (the page filtered to the test's repository), today's runs link to GitHub and their audit tickets. The
 * screenshot is kept in target/dashboard-screenshots/.
 */
@SelfhealTest
class DashboardRendersInChromiumTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    KpiRollup rollup;
    @Autowired
    ManagementUsers users;
    @Autowired
    dev.selfheal.mode.OperatingMode mode;
    @Autowired
    dev.selfheal.killswitch.KillSwitch killSwitch;
    @LocalManagementPort
    int managementPort;

    @Test
    void everyChartShowsTheTestsRuns() throws Exception {
        String repo = "kpi-dash/r" + System.nanoTime();
        KpiSeed seed = new KpiSeed(jdbc);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant yesterday = now.minus(1, ChronoUnit.DAYS);
        seed.run(repo, "build", yesterday, 1, "success", null, 0, null, false, 120);
        seed.run(repo, "build", yesterday, 2, "success", "transient_infrastructure", 1, yesterday.plusSeconds(300),
                false, 200);
        seed.run(repo, "build", now.minusSeconds(60), 1, "success", null, 0, null, false, 90);
        long healed = seed.run(repo, "build", now.minusSeconds(50), 2, "success", "transient_infrastructure", 1,
                now.minusSeconds(10), false, 150);
        long broken = seed.run(repo, "deploy", now.minusSeconds(40), 1, "failure", "unknown", 0, null, true, 300);
        seed.event("failure_classified", repo, broken, """
                {"category":"unknown","suggestedRule":{"normalised":"Error: quota <n> exceeded",
                 "id":"suggested-quota-exceeded","pattern":"Error: quota \\\\d+ exceeded"}}""", now.minusSeconds(40));
        Long event = jdbc.queryForObject("SELECT id FROM phase4_events WHERE run_id = ?", Long.class, broken);
        jdbc.update("INSERT INTO phase4_audit_tickets (event_id, ticket_id, json_path, md_path, risk_level) VALUES "
                + "(?, 't1', 'day/audit_tickets/t1.json', 'day/audit_tickets/t1.md', 'high')", event);
        jdbc.update("INSERT INTO phase4_withheld_writes (withheld_by, method, path, decision, route, repository, "
                + "run_id) VALUES ('observe', 'POST', '/repos/' || ? || '/actions/runs/' || ? || '/rerun-failed-jobs', "
                + "'would re-run', 'retry-dispatch', ?, ?)", repo, broken, repo, broken);
        jdbc.update("INSERT INTO phase4_github_budget (identity, resource, window_reset, rate_limit, min_remaining, "
                + "requests, not_modified, rate_limited, first_seen_at, last_seen_at) VALUES (?, 'core', ?, 5000, "
                + "4000, 42, 40, 0, ?, ?) ON CONFLICT DO NOTHING", "installation:" + repo, java.sql.Timestamp.from(
                now.plusSeconds(3600)), java.sql.Timestamp.from(now.minusSeconds(30)),
                java.sql.Timestamp.from(now.minusSeconds(20)));
        rollup.refresh();
        users.save("kpi-viewer", "viewer-password-123", ManagementRole.VIEWER);

        // the page and its data are behind the management login
        assertThat(ManagementLogin.get(managementPort, "/dashboard/data.json?repository=bad%20repo").statusCode())
                .isEqualTo(400);

        try (HeadlessChromium chromium = new HeadlessChromium()) {
            String base = "http://127.0.0.1:" + managementPort;
            chromium.driver.get(base + "/dashboard?repository=" + repo);
            assertThat(chromium.driver.getCurrentUrl()).contains("/login");
            chromium.driver.findElement(By.name("username")).sendKeys("kpi-viewer");
            chromium.driver.findElement(By.name("password")).sendKeys("viewer-password-123");
            chromium.driver.findElement(By.cssSelector("button[type=submit]")).click();
            chromium.awaitRendered();
            Path shot = chromium.screenshot("dashboard.png");
            assertThat(Files.size(shot)).isGreaterThan(10_000);
            assertThat(chromium.driver.getCurrentUrl()).contains("/dashboard?repository=" + repo);

            Map<String, Map<String, Object>> charts = chromium.charts();
            assertThat(charts).containsOnlyKeys("chart-trend", "chart-categories", "chart-durations", "chart-mttr",
                    "chart-top", "chart-observe");
            charts.forEach((id, c) -> assertThat(((Number) c.get("points")).intValue()).as(id).isPositive());
            assertThat(charts.get("chart-trend").get("labels")).asList().hasSize(2);
            assertThat(charts.get("chart-categories").get("labels")).asList()
                    .containsExactlyInAnyOrder("transient_infrastructure", "unknown");
            assertThat(charts.get("chart-top").get("labels")).asList().containsExactly(repo + " deploy", repo + " build");

            String runs = String.join("\n", chromium.texts("#runs tr"));
            assertThat(runs).contains(Long.toString(healed), Long.toString(broken), "healed", "final failure", "t1.md");
            assertThat(chromium.driver.findElement(By.linkText("t1.md")).getAttribute("href"))
                    .isEqualTo(base + "/dashboard/reports/day/audit_tickets/t1.md");
            assertThat(String.join("\n", chromium.texts("#unknown tr"))).contains("Error: quota <n> exceeded",
                    "Error: quota \\d+ exceeded");
            assertThat(String.join("\n", chromium.texts("#routes tr"))).contains("retry-dispatch");
            assertThat(charts.get("chart-observe").get("labels")).asList().containsExactly("would re-run");
            assertThat(String.join("\n", chromium.texts("#observe tr"))).contains("would re-run");
            assertThat(String.join("\n", chromium.texts("#control p"))).contains("Mode: " + mode.current(),
                    killSwitch.engaged() ? "Kill switch ENGAGED" : "Kill switch released");
            assertThat(String.join("\n", chromium.texts("#budget tr"))).contains("installation:" + repo, "1000 (20.0 %)");
        }
    }
}
