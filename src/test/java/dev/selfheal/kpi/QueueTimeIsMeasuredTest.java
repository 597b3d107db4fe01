package dev.selfheal.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.detection.RunSummary;
import dev.selfheal.test.SelfhealTest;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Queue time: a first attempt's created_at to run_started_at (GitHub's workflow_run fields); a re-run has none
 * (its created_at is the original run's). duration_percentiles gives its p50/p95 over the window.
 */
@SelfhealTest
class QueueTimeIsMeasuredTest {

    @Autowired
    KpiQueries queries;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void firstAttemptsHaveAQueueTimeAndItsPercentilesAreAKpi() throws Exception {
        ObjectMapper json = new ObjectMapper();
        RunSummary first = RunSummary.from(json.readTree("""
                {"id": 1, "run_attempt": 1, "status": "completed", "conclusion": "success",
                 "created_at": "2026-11-23T10:00:00Z", "run_started_at": "2026-11-23T10:00:42Z",
                 "updated_at": "2026-11-23T10:05:00Z", "repository": {"full_name": "octo-org/octo-repo"}}"""), null);
        RunSummary rerun = RunSummary.from(json.readTree("""
                {"id": 1, "run_attempt": 2, "status": "completed", "conclusion": "success",
                 "created_at": "2026-11-23T10:00:00Z", "run_started_at": "2026-11-23T11:00:00Z",
                 "updated_at": "2026-11-23T11:05:00Z"}"""), "octo-org/octo-repo");
        assertThat(first.queuedSeconds()).isEqualTo(42);
        assertThat(rerun.queuedSeconds()).isNull();

        String repo = "queue-kpi/r" + System.nanoTime() % 1_000_000;
        long base = System.nanoTime() % 1_000_000_000L * 10;
        int[] queued = {10, 20, 30, 40, 100};
        for (int i = 0; i < queued.length; i++) {
            jdbc.update("INSERT INTO phase4_metrics (run_id, repository, conclusion, status, duration_seconds, "
                    + "queued_seconds) VALUES (?, ?, 'success', 'completed', 60, ?)", base + i, repo, queued[i]);
        }
        Map<String, Object> p = queries.first("duration_percentiles",
                KpiWindow.endingOn(Instant.now(), 7).forRepository(repo));
        assertThat(((Number) p.get("queue_p50_seconds")).doubleValue()).isEqualTo(30.0);
        // p95 of 10, 20, 30, 40, 100 (linear interpolation): 40 + 0.8 * 60 = 88
        assertThat(((Number) p.get("queue_p95_seconds")).doubleValue()).isCloseTo(88.0,
                org.assertj.core.data.Offset.offset(1e-9));
    }
}
