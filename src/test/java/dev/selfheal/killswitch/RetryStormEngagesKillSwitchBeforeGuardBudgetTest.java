package dev.selfheal.killswitch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.TestPolicies;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A storm of 1,000 failed runs, each one a transient failure that would be re-run: the retry-storm condition
 * (20 re-runs scheduled in 10 minutes), checked right after each re-run decision, engages the switch while the
 * first re-runs still wait for their due time, so far fewer re-runs reach GitHub than the CI guard's hourly budget
 * (30 on top of what earlier tests used in the shared database) and the guard never has to refuse one.
 */
class RetryStormEngagesKillSwitchBeforeGuardBudgetTest extends KillSwitchTest {

    static final int STORM = 1_000;
    static final int BUDGET = 30;
    static final int STORM_THRESHOLD = 20;
    static long usedBefore;

    @DynamicPropertySource
    static void stormRules(DynamicPropertyRegistry registry) {
        long scheduledBefore = count("SELECT count(*) FROM phase4_retry_history WHERE created_at > now() - "
                + "interval '10 minutes'");
        usedBefore = count("SELECT count(*) FROM phase4_retry_history WHERE requested_at > now() - interval '1 hour'");
        // the shared KillSwitchTest.CONFIG is read when this class's service starts; put back in @AfterAll
        TestPolicies.edit(CONFIG, "phase4-retry-policy.json", p -> ((ObjectNode) p.path("guard"))
                .put("maxRetriesPerHour", usedBefore + BUDGET));
        TestPolicies.edit(CONFIG, "phase4-killswitch-rules.json", rules -> rules.putArray("conditions").addObject()
                .put("id", "retry-storm").put("type", "retry_storm").put("threshold", scheduledBefore + STORM_THRESHOLD)
                .put("windowMinutes", 10));
    }

    @org.junit.jupiter.api.AfterAll
    static void sharedConfigBack() {
        TestPolicies.edit(CONFIG, "phase4-retry-policy.json", p -> ((ObjectNode) p.path("guard"))
                .put("maxRetriesPerHour", 1_000_000));
        TestPolicies.edit(CONFIG, "phase4-killswitch-rules.json", rules -> rules.putArray("conditions"));
    }

    @AfterEach
    void stormOver() throws InterruptedException {
        // the storm's runs still queued for the retry consumer must not be decided in a later test's context
        jdbc.update("UPDATE phase4_event_deliveries SET status = 'done', done_at = now() WHERE consumer = 'retry' "
                + "AND status = 'pending'");
        Thread.sleep(2_000);
        // and the storm is over: after the release, a last decision must not find it in the window and engage again
        jdbc.update("UPDATE phase4_retry_history SET created_at = created_at - interval '2 hours', requested_at = "
                + "requested_at - interval '2 hours' WHERE created_at > now() - interval '10 minutes'");
    }

    @Test
    void stormEngagesTheSwitchBeforeTheGuardBudgetIsSpent() throws Exception {
        long base = newRunId() * 10;
        long jobId = base + 9_999;
        Instant now = Instant.now();
        ObjectNode job = GitHubFixtures.workflowJob(wm.baseUrl(), GitHubStandIn.REPO, base, 1, jobId, "build",
                "failure", now.minusSeconds(60), now);
        wm.stubFor(get(urlPathMatching("/repos/" + GitHubStandIn.REPO + "/actions/runs/\\d+/attempts/1/jobs"))
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.jobsPage(job)))));
        github.stubAnnotations(jobId);
        wm.stubFor(get(urlPathEqualTo("/repos/" + GitHubStandIn.REPO + "/actions/jobs/" + jobId + "/logs"))
                .willReturn(aResponse().withStatus(302).withHeader("Location", wm.baseUrl() + "/blobs/storm")));
        wm.stubFor(get(urlPathEqualTo("/blobs/storm")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain").withBody(GitHubStandIn.timestamped(GitHubStandIn.RUNNER_LOST))));

        ExecutorService senders = Executors.newFixedThreadPool(4);
        for (int i = 0; i < STORM; i++) {
            long runId = base + i;
            senders.submit(() -> github.deliverRun(port, github.run(runId, 1, "failure")));
        }
        senders.shutdown();

        Map<String, Object> engaged = eventually(() -> jdbc.queryForList("SELECT trigger, condition_id, actor, reason "
                + "FROM phase4_killswitch_log WHERE released_at IS NULL"), r -> r.size() == 1).get(0);
        assertThat(engaged).containsEntry("trigger", "rule").containsEntry("condition_id", "retry-storm")
                .containsEntry("actor", "rule retry-storm");
        assertThat((String) engaged.get("reason")).contains("re-runs scheduled in the last 10 minutes");
        assertThat(senders.awaitTermination(2, TimeUnit.MINUTES)).isTrue();

        // the storm goes on being classified and decided (detection keeps recording), and every due time passes
        eventually(() -> count("SELECT count(*) FROM phase4_retry_history WHERE original_run_id BETWEEN " + base
                + " AND " + (base + STORM)), n -> n >= 100);
        Thread.sleep(2_000);
        int sent = wm.findAll(postRequestedFor(urlPathMatching(".*/rerun-failed-jobs"))).size();
        Thread.sleep(1_500);
        assertThat(wm.findAll(postRequestedFor(urlPathMatching(".*/rerun-failed-jobs")))).hasSize(sent);
        assertThat(sent).isLessThan(BUDGET);
        assertThat(count("SELECT count(*) FROM phase4_retry_history WHERE original_run_id BETWEEN " + base + " AND "
                + (base + STORM) + " AND result LIKE 'guard: hourly_budget%'")).isZero();
        assertThat(count("SELECT count(*) FROM phase4_retry_history WHERE original_run_id BETWEEN " + base + " AND "
                + (base + STORM) + " AND status = 'pending'")).isGreaterThan(50);
    }

    static long count(String sql) {
        ExternalPostgres.ensureDatabase();
        try (Connection c = DriverManager.getConnection(ExternalPostgres.jdbcUrl(), "postgres", "")) {
            try (var rs = c.createStatement().executeQuery("SELECT to_regclass('phase4_retry_history')")) {
                rs.next();
                if (rs.getString(1) == null) {
                    return 0;
                }
            }
            try (var rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
