package dev.selfheal.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.SelfhealTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A repository's failure rate is one condition, whichever workflow's run shows it: one detection (so one
 * notification) per window, not one for every workflow whose run comes in while it holds. A per-workflow rule
 * (consecutive failures) still fires for each workflow it is about.
 */
@SelfhealTest
class RepositoryFailureRateIsDetectedOncePerWindowTest {

    private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 100 + 7);

    @Autowired
    DetectionEvaluator detection;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void runsOfThreeWorkflowsInAFailingRepositoryGiveOneFailureRateDetection() {
        String repo = "rate-org/many-workflows-" + IDS.incrementAndGet();
        Instant now = Instant.now();
        for (long workflow = 1; workflow <= 3; workflow++) {
            for (int i = 0; i < 3; i++) {
                jdbc.update("INSERT INTO phase4_metrics (run_id, repository, workflow_id, workflow_name, conclusion, "
                        + "status, completed_at, duration_seconds) VALUES (?, ?, ?, ?, 'failure', 'completed', ?, 60)",
                        IDS.incrementAndGet(), repo, workflow, "Build-" + workflow,
                        Timestamp.from(now.minusSeconds(30 + i)));
            }
        }
        long fired = 0;
        for (long workflow = 1; workflow <= 3; workflow++) {
            RunSummary run = new RunSummary(repo, IDS.incrementAndGet(), 1, workflow, "Build-" + workflow,
                    "completed", "failure", null, null, null, null, null, now.minusSeconds(60), now, null);
            List<Map<String, Object>> found = detection.evaluate(run);
            fired += found.stream().filter(d -> "failure-rate".equals(d.get("ruleId"))).count();
        }
        assertThat(fired).as("failure-rate detections while runs of three workflows came in").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE event_type = 'detection' AND "
                + "repository = ? AND payload->>'ruleId' = 'failure-rate'", Long.class, repo)).isEqualTo(1);
    }
}
