package dev.selfheal.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.SelfhealTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The detection rules of config/phase4-detection-rules.json do what the file says: failure rate over its window,
 * a run slower than 2 x its workflow's p95, each output's own failures within the window (database failures too,
 * which are kept in memory), and one "back to normal" notice when a rule that fired holds no more.
 */
@SelfhealTest
class DetectionRulesFollowTheirConfigTest {

    private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 100);

    @Autowired
    DetectionEvaluator detection;
    @Autowired
    JdbcTemplate jdbc;

    private static String repo(String name) {
        return "rules-org/" + name + "-" + IDS.incrementAndGet();
    }

    private RunSummary run(String repo, long workflowId, String conclusion, Instant started, Instant completed) {
        return new RunSummary(repo, IDS.incrementAndGet(), 1, workflowId, "Build-" + workflowId, "completed",
                conclusion, null, null, null, null, null, started, completed, null);
    }

    private void metric(String repo, long workflowId, String conclusion, int durationSeconds, Instant completed) {
        jdbc.update("INSERT INTO phase4_metrics (run_id, repository, workflow_id, workflow_name, conclusion, status, "
                + "completed_at, duration_seconds) VALUES (?, ?, ?, ?, ?, 'completed', ?, ?)", IDS.incrementAndGet(),
                repo, workflowId, "Build-" + workflowId, conclusion, Timestamp.from(completed), durationSeconds);
    }

    private static List<String> rules(List<Map<String, Object>> found) {
        return found.stream().map(d -> d.get("ruleId") + (d.containsKey("status") ? ":" + d.get("status") : ""))
                .toList();
    }

    @Test
    void failureRateFiresOverItsWindowAndSaysOnceWhenBackToNormal() {
        String repo = repo("rate");
        Instant now = Instant.now();
        for (int i = 0; i < 5; i++) {
            metric(repo, 1, i < 3 ? "failure" : "success", 60, now.minusSeconds(60 + i));
        }
        // failures older than the 60-minute window do not count
        for (int i = 0; i < 10; i++) {
            metric(repo, 1, "failure", 60, now.minus(Duration.ofMinutes(90)));
        }
        RunSummary r = run(repo, 1, "failure", now.minusSeconds(60), now);
        List<Map<String, Object>> found = detection.evaluate(r);
        assertThat(rules(found)).contains("failure-rate");
        assertThat(found.stream().filter(d -> "failure-rate".equals(d.get("ruleId"))).findFirst().orElseThrow()
                .get("value")).isEqualTo(0.6);

        for (int i = 0; i < 10; i++) {
            metric(repo, 1, "success", 60, now.minusSeconds(30));
        }
        assertThat(rules(detection.evaluate(run(repo, 1, "success", now.minusSeconds(60), now))))
                .contains("failure-rate:normal");
        assertThat(rules(detection.evaluate(run(repo, 1, "success", now.minusSeconds(60), now))))
                .as("back to normal is said once").doesNotContain("failure-rate:normal");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE event_type = 'detection' "
                + "AND repository = ? AND payload->>'status' = 'normal'", Long.class, repo)).isEqualTo(1);
    }

    @Test
    void aRunOverTwiceItsWorkflowsP95IsSlowAndOneUnderIsNot() {
        String repo = repo("slow");
        Instant now = Instant.now();
        for (int i = 0; i < 10; i++) {
            metric(repo, 42, "success", 100 + i, now.minusSeconds(3600 + i * 60L));
        }
        // p95 of 100..109 is 108.55: the limit is 217.1 s
        assertThat(rules(detection.evaluate(run(repo, 42, "success", now.minusSeconds(300), now))))
                .contains("slow-run");
        String other = repo("slow");
        for (int i = 0; i < 10; i++) {
            metric(other, 43, "success", 100 + i, now.minusSeconds(3600 + i * 60L));
        }
        assertThat(rules(detection.evaluate(run(other, 43, "success", now.minusSeconds(200), now))))
                .doesNotContain("slow-run");
    }

    @Test
    void slackFailuresAreSlacksOwnNotTheIssueChannels() {
        for (int i = 0; i < 5; i++) {
            jdbc.update("INSERT INTO phase4_notifications (event_type, repository, channel, outcome, detail) "
                    + "VALUES ('final_failure', 'rules-org/issues', 'github_issue', 'failed', 'HTTP 502')");
        }
        long slackFailures = jdbc.queryForObject("SELECT count(*) FROM phase4_notifications WHERE channel = 'slack' "
                + "AND outcome IN ('failed', 'dead_webhook') AND attempted_at > now() - interval '10 minutes'",
                Long.class);
        List<Map<String, Object>> found = detection.evaluate(run(repo("out"), 5, "success", null, null));
        if (slackFailures >= 3) {
            assertThat(found).filteredOn(d -> "slack-send-failures".equals(d.get("ruleId")))
                    .singleElement().satisfies(d -> assertThat(d.get("value")).isEqualTo((double) slackFailures));
        } else {
            assertThat(rules(found)).doesNotContain("slack-send-failures");
        }

        for (int i = 0; i < 3; i++) {
            jdbc.update("INSERT INTO phase4_notifications (event_type, repository, channel, outcome, detail) "
                    + "VALUES ('final_failure', 'rules-org/slack', 'slack', 'failed', 'HTTP 500')");
        }
        assertThat(rules(detection.evaluate(run(repo("out"), 5, "success", null, null))))
                .contains("slack-send-failures");
    }

    @Test
    void databaseWriteFailuresCountOnlyWithinTheWindow() {
        Instant old = Instant.now().minus(Duration.ofMinutes(11));
        for (int i = 0; i < 5; i++) {
            detection.databaseWriteFailedAt(old, new IllegalStateException("connection refused"));
        }
        assertThat(rules(detection.evaluate(run(repo("db"), 6, "success", null, null))))
                .as("failures 11 minutes ago are outside the 10-minute window")
                .doesNotContain("database-write-failures");
        for (int i = 0; i < 3; i++) {
            detection.databaseWriteFailed(new IllegalStateException("connection refused"));
        }
        assertThat(rules(detection.evaluate(run(repo("db"), 6, "success", null, null))))
                .contains("database-write-failures");
    }
}
