package dev.selfheal.detection;

import dev.selfheal.sanitize.Sanitizer;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The metrics upserter: writes a run's phase4_metrics row (insert, or update of the same run), reads it back and
 * checks it holds what was written, and keeps the history in phase4_metrics_upserts. A delivery of an earlier
 * attempt arriving after a later one (GitHub does not promise order) does not move the row back: it is kept,
 * and the history says so.
 */
@Component
public class MetricsUpserter {

    /** What one upsert did, and whether the row read back afterwards matched. */
    public record Upsert(String action, boolean verified, String detail) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(MetricsUpserter.class);

    private final JdbcTemplate jdbc;
    private final Sanitizer sanitizer;

    public MetricsUpserter(JdbcTemplate jdbc, Sanitizer sanitizer) {
        this.jdbc = jdbc;
        this.sanitizer = sanitizer;
    }

    /** Runs in the caller's transaction (run intake), so the row, its check and its history commit together. */
    public Upsert upsert(RunSummary run) {
        List<Boolean> written = jdbc.queryForList("""
                INSERT INTO phase4_metrics (run_id, repository, workflow_id, workflow_name, run_attempt, event, actor,
                    head_branch, head_sha, html_url, status, conclusion, run_started_at, completed_at,
                    duration_seconds, final_failure, run_number, queued_seconds)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, ?, ?)
                ON CONFLICT (run_id) DO UPDATE SET
                    run_attempt = EXCLUDED.run_attempt,
                    run_number = coalesce(EXCLUDED.run_number, phase4_metrics.run_number), status = EXCLUDED.status,
                    conclusion = EXCLUDED.conclusion, completed_at = EXCLUDED.completed_at,
                    duration_seconds = EXCLUDED.duration_seconds, workflow_name = EXCLUDED.workflow_name,
                    html_url = EXCLUDED.html_url, final_failure = false, updated_at = now(),
                    queued_seconds = coalesce(phase4_metrics.queued_seconds, EXCLUDED.queued_seconds)
                  WHERE phase4_metrics.run_attempt <= EXCLUDED.run_attempt
                RETURNING (xmax = 0) AS inserted
                """, Boolean.class, run.runId(), run.repository(), run.workflowId(),
                sanitizer.sanitize(run.workflowName()), run.attempt(), run.event(), sanitizer.sanitize(run.actor()),
                sanitizer.sanitize(run.headBranch()), run.headSha(), sanitizer.sanitize(run.htmlUrl()), run.status(),
                run.conclusion(), ts(run.startedAt()), ts(run.completedAt()), run.durationSeconds(), run.runNumber(),
                run.queuedSeconds());
        String action = written.isEmpty() ? "kept_later_attempt" : written.get(0) ? "inserted" : "updated";

        // the read-back: the row must now hold this attempt's result, or a later attempt's
        Map<String, Object> row = jdbc.queryForMap("SELECT run_attempt, conclusion, status, completed_at "
                + "FROM phase4_metrics WHERE run_id = ?", run.runId());
        int stored = ((Number) row.get("run_attempt")).intValue();
        String detail;
        boolean verified;
        if (written.isEmpty()) {
            verified = stored > run.attempt();
            detail = "attempt " + run.attempt() + " arrived after attempt " + stored + ": the row keeps attempt "
                    + stored;
        } else {
            verified = stored == run.attempt() && Objects.equals(row.get("conclusion"), run.conclusion())
                    && Objects.equals(row.get("status"), run.status())
                    && Objects.equals(instant(row.get("completed_at")), run.completedAt());
            detail = verified ? null : "read back attempt " + stored + " " + row.get("status") + "/"
                    + row.get("conclusion") + ", wrote attempt " + run.attempt() + " " + run.status() + "/"
                    + run.conclusion();
        }
        jdbc.update("INSERT INTO phase4_metrics_upserts (run_id, run_attempt, action, verified, detail) "
                + "VALUES (?, ?, ?, ?, ?)", run.runId(), run.attempt(), action, verified, detail);
        if (!verified) {
            LOG.warn("Run {}: its metrics row does not hold what was written ({})", run.key(), detail);
        }
        return new Upsert(action, verified, detail);
    }

    private static Instant instant(Object value) {
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        return null;
    }

    private static Timestamp ts(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }
}
