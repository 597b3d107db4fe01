package dev.selfheal.kpi;

import dev.selfheal.test.HeadlessChromium;
import dev.selfheal.SelfhealApplication;
import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.ManagementLogin;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The KPI benchmark of docs/BENCHMARKS.md, not a test: run with scripts/bench-kpi.sh. Seeds N runs (default one
 * million, over 90 days, 50 repositories x 4 workflows) with generate_series into its own database, rebuilds the
 * rollup, then measures the 7-day KPI query, the dashboard's data (every query the page asks), the data over HTTP
 * and the page in headless Chromium (navigation to every chart drawn).
 */
public final class KpiBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        ExternalPostgres.ensureDatabase();
        ConfigurableApplicationContext app = new SpringApplicationBuilder(SelfhealApplication.class)
                .profiles("test").run("--server.port=0", "--management.server.port=0",
                        "--spring.datasource.url=" + ExternalPostgres.jdbcUrl(), "--spring.datasource.username=postgres",
                        "--selfheal.data-dir=" + Files.createTempDirectory("selfheal-kpi-bench"),
                        // the benchmark refreshes the rollup itself
                        "--selfheal.schedules.kpi-rollup.cron=0 0 0 1 1 ? 2099", "--selfheal.kpi.docs-startup-delay=1h");
        try {
            JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
            KpiRollup rollup = app.getBean(KpiRollup.class);
            KpiQueries queries = app.getBean(KpiQueries.class);
            DashboardData dashboard = app.getBean(DashboardData.class);
            long have = jdbc.queryForObject("SELECT count(*) FROM phase4_metrics WHERE repository LIKE 'bench-%'",
                    Long.class);
            if (have != runs) {
                long t = System.nanoTime();
                seed(jdbc, runs);
                System.out.printf("seeded %,d runs in %.1f s%n", runs, (System.nanoTime() - t) / 1e9);
            }
            System.out.printf("runs in the database: %,d%n", jdbc.queryForObject("SELECT count(*) FROM phase4_metrics",
                    Long.class));
            long t = System.nanoTime();
            int days = rollup.recomputeAll();
            System.out.printf("full rollup recompute: %d days in %.1f s (%,d rollup rows)%n", days,
                    (System.nanoTime() - t) / 1e9, jdbc.queryForObject("SELECT count(*) FROM phase4_kpi_daily",
                            Long.class));
            jdbc.update("UPDATE phase4_metrics SET retry_count = retry_count WHERE run_id IN (SELECT run_id FROM "
                    + "phase4_metrics WHERE repository LIKE 'bench-%' ORDER BY created_at DESC LIMIT 1000)");
            t = System.nanoTime();
            int changed = rollup.refresh();
            System.out.printf("incremental refresh after 1,000 changed runs: %d day(s) in %d ms%n", changed,
                    (System.nanoTime() - t) / 1_000_000);

            KpiWindow week = KpiWindow.endingOn(java.time.Instant.now(), 7);
            report("7-day KPI query (window_summary, all levels)", () -> queries.rows("window_summary", week));
            report("7-day duration percentiles (duration_percentiles, raw runs)",
                    () -> queries.rows("duration_percentiles", week));
            report("dashboard data, every query (DashboardData.build)", () -> dashboard.build(7, null));
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            int management = managementPort(app);
            report("GET /dashboard/data.json with HTTP Basic (a bcrypt check per request)", () -> {
                var r = ManagementLogin.get(management, "/dashboard/data.json");
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("data.json answered " + r.statusCode());
                }
                return r;
            });
            pageLoad(management);
            System.out.println("public port " + port + ", management port " + management);
        } finally {
            app.close();
        }
    }

    static void seed(JdbcTemplate jdbc, int runs) {
        jdbc.update("DELETE FROM phase4_retry_history WHERE repository LIKE 'bench-%'");
        jdbc.update("DELETE FROM phase4_metrics WHERE repository LIKE 'bench-%'");
        // i % 20: 0-16 success at attempt 1, 17 healed by one re-run, 18 final failure after re-runs, 19 failing
        // tests (not re-run); categories rotate; spread evenly over the last 90 days
        jdbc.update("""
                INSERT INTO phase4_metrics (run_id, repository, workflow_id, workflow_name, run_attempt, status,
                    conclusion, completed_at, duration_seconds, failure_category, retry_count, recovered, recovered_at,
                    final_failure, created_at, updated_at)
                SELECT 9000000000000 + i, 'bench-org/repo-' || (i % 50), i % 4, 'workflow-' || (i % 4),
                       CASE WHEN i % 20 IN (17, 18) THEN 2 ELSE 1 END, 'completed',
                       CASE WHEN i % 20 <= 17 THEN 'success' ELSE 'failure' END,
                       ts, 60 + (i::bigint * 7919) % 900,
                       CASE i % 20 WHEN 17 THEN (ARRAY['transient_infrastructure', 'timeout', 'rate_limit'])[1 + i % 3]
                                   WHEN 18 THEN (ARRAY['transient_infrastructure', 'unknown'])[1 + i % 2]
                                   WHEN 19 THEN 'deterministic' END,
                       CASE i % 20 WHEN 17 THEN 1 WHEN 18 THEN 3 ELSE 0 END,
                       i % 20 = 17, CASE WHEN i % 20 = 17 THEN ts + interval '7 minutes' END,
                       i % 20 IN (18, 19), ts, ts
                  FROM (SELECT i, now() - make_interval(secs => i * (90 * 86400.0 / ?)) AS ts
                          FROM generate_series(1, ?) AS i) s""", runs, runs);
        jdbc.update("""
                INSERT INTO phase4_retry_history (original_run_id, repository, attempt, category, interval_seconds,
                    due_at, requested_at, status, created_at)
                SELECT run_id, repository, 1, failure_category, 5, created_at, created_at + interval '5 seconds',
                       CASE WHEN recovered THEN 'succeeded' ELSE 'failed' END, created_at
                  FROM phase4_metrics WHERE repository LIKE 'bench-%' AND retry_count > 0""");
        jdbc.execute("ANALYZE phase4_metrics");
        jdbc.execute("ANALYZE phase4_retry_history");
    }

    static void report(String what, Callable<?> call) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            long t = System.nanoTime();
            call.call();
            if (i >= 2) {
                ms.add((System.nanoTime() - t) / 1e6);
            }
        }
        Collections.sort(ms);
        System.out.printf("%s: median %.1f ms, p90 %.1f ms, max %.1f ms (21 runs after 2 warm-ups)%n", what,
                ms.get(ms.size() / 2), ms.get((int) (ms.size() * 0.9)), ms.get(ms.size() - 1));
    }

    static void pageLoad(int management) throws Exception {
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            String base = "http://127.0.0.1:" + management;
            chromium.driver.get(base + "/dashboard");
            chromium.driver.findElement(By.name("username")).sendKeys("admin");
            chromium.driver.findElement(By.name("password")).sendKeys("test-admin-password");
            chromium.driver.findElement(By.cssSelector("button[type=submit]")).click();
            chromium.awaitRendered();
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                chromium.driver.get(base + "/dashboard");
                chromium.awaitRendered();
                String rendered = new WebDriverWait(chromium.driver, Duration.ofSeconds(30)).until(d -> d.findElement(
                        By.tagName("body")).getAttribute("data-rendered-ms"));
                if (i >= 1) {
                    ms.add(Double.parseDouble(rendered));
                }
            }
            Collections.sort(ms);
            List<Double> fetches = new ArrayList<>();
            for (int i = 0; i < 22; i++) {
                Object took = chromium.driver.executeAsyncScript("""
                        const done = arguments[arguments.length - 1]; const t = performance.now();
                        fetch('/dashboard/data.json').then(r => r.json()).then(() => done(performance.now() - t));""");
                if (i >= 1) {
                    fetches.add(((Number) took).doubleValue());
                }
            }
            Collections.sort(fetches);
            System.out.printf("data.json fetched by the logged-in page (session): median %.0f ms, max %.0f ms "
                    + "(21 fetches after 1 warm-up)%n", fetches.get(fetches.size() / 2), fetches.get(fetches.size() - 1));
            System.out.printf("dashboard page in headless Chromium, navigation start to every chart drawn: median "
                    + "%.0f ms, max %.0f ms (11 loads after 1 warm-up)%n", ms.get(ms.size() / 2), ms.get(ms.size() - 1));
            chromium.screenshot("benchmark-1m.png");
        }
    }

    private static int managementPort(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.management.port"));
    }
}
