package dev.selfheal.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.SelfhealTest;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The KPI definitions on a seeded repository whose answers were worked out by hand (two JST days, 2001-02-10 and
 * 2001-02-11; the repository name is new for each run of the test, so the shared database's other rows do not
 * count). Seven runs:
 * <pre>
 *  #  workflow  attempt conclusion  category                 re-runs  recovered        final  duration  day
 *  1  build     1       success     -                        0        -                -      100       D1
 *  2  build     1       success     -                        0        -                -      200       D1
 *  3  build     2       success     transient_infrastructure 1        +10 min          -      300       D1
 *  4  build     3       failure     transient_infrastructure 2        -                yes    400       D1
 *  5  deploy    1       failure     unknown                  0        -                yes    500       D2
 *  6  deploy    2       success     timeout                  1        +25 h            -      600       D2
 *  7  deploy    2       success     -  (re-run by hand)      0        -                -      -         D2
 * </pre>
 */
@SelfhealTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KpiKnownAnswersTest {

    static final LocalDate D1 = LocalDate.of(2001, 2, 10);
    static final Instant D1_10H = Instant.parse("2001-02-10T01:00:00Z");
    static final Instant D2_10H = Instant.parse("2001-02-11T01:00:00Z");

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    KpiQueries kpi;
    @Autowired
    KpiRollup rollup;

    final String repo = "kpi-known/r" + System.nanoTime();
    final String target = "kpi-known-route-" + System.nanoTime();
    KpiWindow window;

    @BeforeAll
    void seed() {
        KpiSeed seed = new KpiSeed(jdbc);
        seed.run(repo, "build", D1_10H, 1, "success", null, 0, null, false, 100);
        seed.run(repo, "build", D1_10H.plusSeconds(60), 1, "success", null, 0, null, false, 200);
        long r3 = seed.run(repo, "build", D1_10H.plusSeconds(120), 2, "success", "transient_infrastructure", 1,
                D1_10H.plusSeconds(120 + 600), false, 300);
        long r4 = seed.run(repo, "build", D1_10H.plusSeconds(180), 3, "failure", "transient_infrastructure", 2, null,
                true, 400);
        long r5 = seed.run(repo, "deploy", D2_10H, 1, "failure", "unknown", 0, null, true, 500);
        long r6 = seed.run(repo, "deploy", D2_10H.plusSeconds(60), 2, "success", "timeout", 1,
                D2_10H.plusSeconds(60 + 90_000), false, 600);
        seed.run(repo, "deploy", D2_10H.plusSeconds(120), 2, "success", null, 0, null, false, null);

        seed.rerun(r3, repo, 1, "transient_infrastructure", "succeeded", D1_10H.plusSeconds(130));
        seed.rerun(r4, repo, 1, "transient_infrastructure", "failed", D1_10H.plusSeconds(190));
        seed.rerun(r4, repo, 2, "transient_infrastructure", "failed", D1_10H.plusSeconds(290));
        seed.rerun(r4, repo, 3, "transient_infrastructure", "blocked", D1_10H.plusSeconds(390));
        seed.rerun(r6, repo, 1, "timeout", "succeeded", D2_10H.plusSeconds(70));

        seed.event("failure_classified", repo, r5, """
                {"category":"unknown","suggestedRule":{"normalised":"Error: Deployment <n> was rejected",
                 "id":"suggested-was-rejected","pattern":"Error: Deployment \\\\d+ was rejected"}}""", D2_10H);
        seed.event("failure_classified", repo, r4, "{\"category\":\"transient_infrastructure\"}", D1_10H);

        seed.notification(repo, "slack", "sent", D1_10H);
        seed.notification(repo, "slack", "sent", D2_10H);
        seed.notification(repo, "github_issue", "failed", D2_10H);

        // 10 minutes of a stop begun before the window, 30 minutes stopped then resumed, a 10-minute suspend
        // stops are released (an open stop row is an engaged kill switch for every service on this database)
        seed.killswitch(target, "stop", Instant.parse("2001-02-09T14:50:00Z"), Instant.parse("2001-02-09T15:10:00Z"));
        seed.killswitch(target, "resume", Instant.parse("2001-02-09T15:10:00Z"), null);
        seed.killswitch(target, "stop", D1_10H, D1_10H.plusSeconds(1800));
        seed.killswitch(target, "resume", D1_10H.plusSeconds(1800), null);
        seed.killswitch(target, "suspend", D2_10H, D2_10H.plusSeconds(600));

        rollup.refresh();
        window = new KpiWindow(D1, D1.plusDays(2), repo);
    }

    @Test
    void windowSummaryOverallPerRepositoryAndPerWorkflow() {
        List<Map<String, Object>> rows = kpi.rows("window_summary", window);
        assertThat(rows).extracting(r -> r.get("level") + ":" + r.get("workflow_name"))
                .containsExactly("all:null", "repository:null", "workflow:build", "workflow:deploy");
        Map<String, Object> all = rows.get(0);
        assertThat(all).containsEntry("runs", 7L).containsEntry("failed_runs", 5L).containsEntry("healed_runs", 2L)
                .containsEntry("final_failures", 2L).containsEntry("reruns", 4L);
        assertDecimal(all, "first_attempt_success_rate", "0.2857");
        assertDecimal(all, "final_success_rate", "0.7143");
        assertDecimal(all, "healed_rate", "0.4000");
        assertDecimal(all, "avg_reruns_per_failed_run", "0.8000");
        assertDecimal(all, "flaky_rate", "0.4286");
        assertDecimal(all, "unknown_share", "0.2500");
        assertDecimal(all, "self_healed_24h_share", "0.2000");
        assertDecimal(all, "mttr_seconds", "45300.0");
        assertDecimal(all, "avg_duration_seconds", "350.0");

        Map<String, Object> build = rows.get(2);
        assertDecimal(build, "first_attempt_success_rate", "0.5000");
        assertDecimal(build, "final_success_rate", "0.7500");
        assertDecimal(build, "healed_rate", "0.5000");
        assertDecimal(build, "avg_reruns_per_failed_run", "1.5000");
        assertDecimal(build, "unknown_share", "0.0000");
        assertDecimal(build, "mttr_seconds", "600.0");
        Map<String, Object> deploy = rows.get(3);
        assertDecimal(deploy, "final_success_rate", "0.6667");
        assertDecimal(deploy, "healed_rate", "0.3333");
        assertDecimal(deploy, "flaky_rate", "0.6667");
        assertDecimal(deploy, "unknown_share", "0.5000");
        assertDecimal(deploy, "self_healed_24h_share", "0.0000");
    }

    @Test
    void dailyTrendHasOneRowPerDay() {
        List<Map<String, Object>> days = kpi.rows("daily_trend", window);
        assertThat(days).extracting(d -> d.get("day").toString()).containsExactly("2001-02-10", "2001-02-11");
        assertThat(days.get(0)).containsEntry("runs", 4L);
        assertDecimal(days.get(0), "final_success_rate", "0.7500");
        assertThat(days.get(1)).containsEntry("runs", 3L);
        assertDecimal(days.get(1), "healed_rate", "0.3333");
    }

    @Test
    void failuresByCategoryAndTopWorkflows() {
        assertThat(kpi.rows("failures_by_category", window)).extracting(r -> r.get("category") + "=" + r.get("failures"))
                .containsExactly("transient_infrastructure=2", "timeout=1", "unknown=1");
        assertThat(kpi.rows("top_failing_workflows", window))
                .extracting(r -> r.get("workflow_name") + "=" + r.get("failed_runs") + "/" + r.get("final_failures"))
                .containsExactly("deploy=3/1", "build=2/1");
    }

    @Test
    void durationPercentilesFromTheRuns() {
        Map<String, Object> p = kpi.first("duration_percentiles", window);
        assertThat(p).containsEntry("runs_with_duration", 6L);
        assertThat((Double) p.get("duration_p50_seconds")).isEqualTo(350.0);
        assertThat((Double) p.get("duration_p95_seconds")).isEqualTo(575.0);
    }

    @Test
    void retryEfficacyAndGuardBlocks() {
        List<Map<String, Object>> rows = kpi.rows("retry_efficacy", window);
        Map<String, Object> all = rows.stream().filter(r -> "all".equals(r.get("level"))).findFirst().orElseThrow();
        assertThat(all).containsEntry("reruns_sent", 4L).containsEntry("reruns_healed", 2L);
        assertDecimal(all, "retry_efficacy", "0.5000");
        assertThat(rows).filteredOn(r -> "category".equals(r.get("level")))
                .extracting(r -> r.get("category") + "=" + r.get("retry_efficacy"))
                .containsExactly("transient_infrastructure=0.3333", "timeout=1.0000");
        assertThat(kpi.first("guard_blocks", window)).containsEntry("guard_blocks", 1L);
    }

    @Test
    void killSwitchTimeIsClippedToTheWindow() {
        Map<String, Object> row = kpi.rows("killswitch_time", window).stream()
                .filter(r -> target.equals(r.get("target"))).findFirst().orElseThrow();
        assertThat(row).containsEntry("stops", 3L);
        assertThat(((Number) row.get("stopped_seconds")).longValue()).isEqualTo(600 + 1800 + 600);
    }

    @Test
    void notificationsAndUnknownFailures() {
        assertThat(kpi.rows("notifications_by_channel", window))
                .extracting(r -> r.get("channel") + "/" + r.get("outcome") + "=" + r.get("attempts"))
                .containsExactly("github_issue/failed=1", "slack/sent=2");
        assertThat(kpi.rows("unknown_failures", window)).singleElement().satisfies(u -> {
            assertThat(u).containsEntry("normalised", "Error: Deployment <n> was rejected")
                    .containsEntry("failures", 1L).containsEntry("runs", 1L)
                    .containsEntry("suggested_rule_id", "suggested-was-rejected");
        });
        assertThat(kpi.rows("runs_in_window", window)).hasSize(7);
    }

    private static void assertDecimal(Map<String, Object> row, String column, String expected) {
        assertThat((BigDecimal) row.get(column)).as(column).isEqualByComparingTo(expected);
    }
}
