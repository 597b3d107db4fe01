package dev.selfheal.kpi;

import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;

/** Writes runs, re-runs and events straight into the tables, as the service's modules would have. */
final class KpiSeed {

    private final JdbcTemplate jdbc;
    private long nextRunId;

    KpiSeed(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.nextRunId = System.nanoTime() % 1_000_000_000_000L * 100;
    }

    /** A run first seen at {@code seen}; its row as the intake, retry and recovery steps leave it. */
    long run(String repository, String workflow, Instant seen, int attempt, String conclusion, String category,
            int retries, Instant recoveredAt, boolean finalFailure, Integer duration) {
        long runId = nextRunId++;
        jdbc.update("""
                INSERT INTO phase4_metrics (run_id, repository, workflow_id, workflow_name, run_attempt, status,
                    conclusion, completed_at, duration_seconds, failure_category, retry_count, recovered, recovered_at,
                    final_failure, html_url, created_at, updated_at)
                VALUES (?, ?, 7, ?, ?, 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())""",
                runId, repository, workflow, attempt, conclusion, Timestamp.from(seen), duration, category, retries,
                recoveredAt != null, recoveredAt == null ? null : Timestamp.from(recoveredAt), finalFailure,
                "https://github.com/" + repository + "/actions/runs/" + runId, Timestamp.from(seen));
        return runId;
    }

    void rerun(long runId, String repository, int attempt, String category, String status, Instant requested) {
        jdbc.update("""
                INSERT INTO phase4_retry_history (original_run_id, repository, attempt, category, interval_seconds,
                    due_at, requested_at, status, created_at)
                VALUES (?, ?, ?, ?, 5, ?, ?, ?, ?)""", runId, repository, attempt, category, Timestamp.from(requested),
                "blocked".equals(status) ? null : Timestamp.from(requested), status,
                Timestamp.from(requested.minusSeconds(5)));
    }

    /** An event row; its deliveries are removed so no consumer of another test acts on it. */
    void event(String type, String repository, long runId, String payload, Instant at) {
        Long id = jdbc.queryForObject("INSERT INTO phase4_events (event_type, repository, run_id, run_attempt, payload, "
                + "occurred_at) VALUES (?, ?, ?, 1, CAST(? AS jsonb), ?) RETURNING id", Long.class, type, repository,
                runId, payload, Timestamp.from(at));
        jdbc.update("DELETE FROM phase4_event_deliveries WHERE event_id = ?", id);
    }

    void notification(String repository, String channel, String outcome, Instant at) {
        jdbc.update("INSERT INTO phase4_notifications (event_type, repository, channel, outcome, attempted_at) "
                + "VALUES ('final_failure', ?, ?, ?, ?)", repository, channel, outcome, Timestamp.from(at));
    }

    void killswitch(String target, String action, Instant at, Instant releasedAt) {
        jdbc.update("INSERT INTO phase4_killswitch_log (triggered_at, actor, reason, target, action, released_at) "
                + "VALUES (?, 'test', 'kpi test', ?, ?, ?)", Timestamp.from(at), target, action,
                releasedAt == null ? null : Timestamp.from(releasedAt));
    }
}
