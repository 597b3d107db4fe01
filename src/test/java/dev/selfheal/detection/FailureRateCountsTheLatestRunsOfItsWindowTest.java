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
 * The failure rate is evaluated for every run, so it counts at most the latest 1,000 runs of its window: its cost
 * does not grow with a busy repository's volume. A busy repository whose latest 1,000 runs all failed is detected,
 * however many runs succeeded earlier in the hour.
 */
@SelfhealTest
class FailureRateCountsTheLatestRunsOfItsWindowTest {

    private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 100 + 31);

    @Autowired
    DetectionEvaluator detection;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theLatestThousandRunsFailingIsAFailureRateWhateverCameBefore() {
        String repo = "rate-org/busy-" + IDS.incrementAndGet();
        Instant now = Instant.now();
        // 1,500 successes 40-55 minutes ago, then 1,000 failures in the last 20 minutes: 40 % of the hour failed
        // (under the rule's 50 %), all of the latest 1,000
        jdbc.update("""
                INSERT INTO phase4_metrics (run_id, repository, workflow_id, workflow_name, conclusion, status,
                                            completed_at, duration_seconds)
                SELECT ? + g, ?, 1, 'Build', CASE WHEN g <= 1500 THEN 'success' ELSE 'failure' END, 'completed',
                       CASE WHEN g <= 1500 THEN ?::timestamptz - make_interval(secs => 3300 - g * 0.6)
                            ELSE ?::timestamptz - make_interval(secs => 1200 - (g - 1500))
                       END, 60
                  FROM generate_series(1, 2500) g""",
                IDS.getAndAdd(3000), repo, Timestamp.from(now), Timestamp.from(now));
        RunSummary run = new RunSummary(repo, IDS.incrementAndGet(), 1, 1L, "Build", "completed", "failure", null,
                null, null, null, null, now.minusSeconds(60), now, null);

        List<Map<String, Object>> found = detection.evaluate(run);

        assertThat(found).filteredOn(d -> "failure-rate".equals(d.get("ruleId"))).singleElement()
                .satisfies(d -> assertThat((String) d.get("detail"))
                        .startsWith("1000 of the latest 1000 runs of " + repo + " failed"));
    }
}
