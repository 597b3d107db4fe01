package dev.selfheal.retry;

import dev.selfheal.detection.DetectionEvaluator;
import dev.selfheal.detection.RunSummary;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.policy.RetryPolicy;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.risk.RiskLevels;
import dev.selfheal.routes.ExchangeProperties;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The Retry Engine's decision for a failed run (should it be re-run, after which back-off, how many so far): after
 * classification, either schedule the next re-run as a {@code phase4_retry_history} row with its due time
 * (5 s, 10 s, 20 s by default; nothing sleeps), or declare the final failure. The attempt count comes from
 * GitHub's {@code run_attempt} and our own history, so a restart never re-counts from zero.
 */
@Component("retryScheduler")
public class RetryScheduler {

    public static final String CLASSIFICATION = "classification";

    private final JdbcTemplate jdbc;
    private final Outbox outbox;
    private final RetryPolicy policy;
    private final ReportLog reportLog;
    private final DetectionEvaluator detection;

    public RetryScheduler(JdbcTemplate jdbc, Outbox outbox, PolicyFiles policies, ReportLog reportLog,
            DetectionEvaluator detection) {
        this.detection = detection;
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.policy = policies.retryPolicy();
        this.reportLog = reportLog;
    }

    /** Route step after the logs: the classification is recorded on the run and as an event. */
    @Transactional
    public Classification classified(Exchange exchange) {
        RunSummary run = exchange.getProperty(ExchangeProperties.RUN, RunSummary.class);
        Classification c = exchange.getProperty(FailureClassifier.SCAN, FailureClassifier.Scan.class).result();
        exchange.setProperty(CLASSIFICATION, c);
        jdbc.update("UPDATE phase4_metrics SET failure_category = ?, risk_level = ?, failure_rule = ?, "
                + "failure_line = ?, failure_evidence = ?, updated_at = now() WHERE run_id = ?", c.category(), c.risk(),
                c.ruleId(), c.matchedLine(), c.evidence(), run.runId());
        Map<String, Object> payload = run.payload();
        payload.putAll(c.payload());
        outbox.record("failure_classified", run.repository(), run.runId(), run.attempt(), payload);
        reportLog.append("retry", "run " + run.key() + " classified " + c.category() + " by "
                + (c.evidence() == null ? "no rule" : c.evidence()) + (c.matchedLine() == null ? "" : ": " + c.matchedLine()));
        return c;
    }

    /** should_retry + calculate_backoff: schedules the next re-run or declares the final failure. */
    @Transactional
    public String decide(@ExchangeProperty(ExchangeProperties.RUN) RunSummary run,
            @ExchangeProperty(CLASSIFICATION) Classification c) {
        // a re-run of ours that came back failing is closed first
        jdbc.update("UPDATE phase4_retry_history SET status = 'failed', completed_at = now(), result = ? "
                + "WHERE original_run_id = ? AND status = 'sent' AND coalesce(for_attempt, attempt) < ?",
                c.category(), run.runId(), run.attempt());
        ReRuns reRuns = reRuns(run);
        if (reRuns.ofThisAttempt()) {
            reportLog.append("retry", "run " + run.key() + " attempt " + run.attempt() + " evaluated again after its "
                    + "re-run went out: nothing new scheduled");
            return "already-rerun";
        }
        int retriesDone = Math.max(run.attempt() - 1, reRuns.done());
        String decision;
        if (!c.retryable()) {
            decision = "final";
            supersedeWaiting(run, "attempt " + run.attempt() + " failed with " + c.category() + ", which a re-run "
                    + "does not fix");
            declareFinal(run, c, retriesDone, "not retryable: " + c.category());
        } else if (retriesDone >= policy.maxAttemptsFor(c.category())) {
            decision = "final";
            supersedeWaiting(run, "attempt " + run.attempt() + " failed after the maximum of re-runs");
            declareFinal(run, c, retriesDone, "still failing after " + retriesDone + " re-runs (maximum "
                    + policy.maxAttemptsFor(c.category()) + ")");
        } else if (reRuns.waiting() != null) {
            // GitHub re-runs the run's latest attempt: the re-run waiting for its due time covers this failure too
            decision = "already-scheduled";
            reportLog.append("retry", "run " + run.key() + " attempt " + run.attempt() + (reRuns.waitingForThis()
                    ? " evaluated again while its re-run " + reRuns.waiting() + " waits for its due time"
                    : " failed while re-run " + reRuns.waiting() + " waits for its due time: that re-run covers it")
                    + "; nothing more scheduled");
        } else {
            decision = schedule(run, c, retriesDone + 1) ? "scheduled" : "already-scheduled";
        }
        return decision;
    }

    /**
     * What this run's re-runs say about the attempt being decided, read in one statement:
     * <ul>
     * <li>{@code ofThisAttempt}: this attempt (or a later one) was re-run already. An evaluation repeated after its
     * re-run went out (its consumer's lease ran out between the work and marking it done) must not count that
     * re-run as one done and schedule a second re-run of the same attempt.</li>
     * <li>{@code done}: re-runs that went out. GitHub's attempt count and ours agree unless a person re-ran it too,
     * so the caller takes the larger.</li>
     * <li>{@code waiting}: the number of the re-run still waiting for its due time, if any, and whether this
     * attempt scheduled it.</li>
     * </ul>
     */
    ReRuns reRuns(RunSummary run) {
        return jdbc.queryForObject("""
                SELECT coalesce(bool_or(status IN ('sending', 'sent', 'succeeded', 'failed')
                                        AND coalesce(for_attempt, attempt) >= ?), false),
                       count(*) FILTER (WHERE status IN ('sending', 'sent', 'succeeded', 'failed')),
                       min(attempt) FILTER (WHERE status = 'pending'),
                       coalesce(bool_or(status = 'pending' AND for_attempt = ?), false)
                  FROM phase4_retry_history WHERE original_run_id = ?""",
                (rs, i) -> new ReRuns(rs.getBoolean(1), rs.getInt(2), (Integer) rs.getObject(3), rs.getBoolean(4)),
                run.attempt(), run.attempt(), run.runId());
    }

    /** {@code waitingForThis}: the waiting re-run was scheduled by this very attempt (an evaluation repeated). */
    record ReRuns(boolean ofThisAttempt, int done, Integer waiting, boolean waitingForThis) {
    }

    /** A final failure: a re-run still waiting would only repeat it, so it does not go out. */
    private void supersedeWaiting(RunSummary run, String why) {
        List<Integer> stopped = jdbc.queryForList("UPDATE phase4_retry_history SET status = 'superseded', "
                + "completed_at = now(), result = ? WHERE original_run_id = ? AND status = 'pending' "
                + "AND coalesce(for_attempt, 0) < ? RETURNING attempt", Integer.class, why, run.runId(),
                run.attempt());
        for (Integer attempt : stopped) {
            reportLog.append("retry", "run " + run.key() + " re-run " + attempt + " will not be sent: " + why);
        }
    }

    private boolean schedule(RunSummary run, Classification c, int attempt) {
        Duration wait = policy.backoffBefore(attempt);
        // the due time is the database's now + the back-off: the dispatcher compares it with the database's now,
        // so the JVM's clock (off, or jumping) never makes a re-run early or late
        List<Timestamp> due = jdbc.queryForList("""
                INSERT INTO phase4_retry_history (original_run_id, repository, attempt, for_attempt, category,
                    reason, evidence, interval_seconds, due_at, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?), 'pending')
                ON CONFLICT (original_run_id, attempt) DO NOTHING
                RETURNING due_at""", Timestamp.class,
                run.runId(), run.repository(), attempt, run.attempt(), c.category(), c.matchedLine(), c.evidence(),
                wait.toMillis() / 1000.0, wait.toMillis() / 1000.0);
        if (due.isEmpty()) {
            return false;
        }
        Map<String, Object> payload = run.payload();
        payload.put("attempt", attempt);
        payload.put("category", c.category());
        payload.put("ruleId", c.ruleId());
        payload.put("evidence", c.evidence());
        payload.put("intervalSeconds", wait.toMillis() / 1000.0);
        payload.put("dueAt", due.get(0).toInstant().toString());
        outbox.record("retry_scheduled", run.repository(), run.runId(), run.attempt(), payload);
        reportLog.append("retry", "run " + run.key() + " re-run " + attempt + "/" + policy.maxAttemptsFor(c.category())
                + " scheduled in " + wait.toMillis() / 1000.0 + " s (" + c.category() + ")");
        return true;
    }

    /**
     * Final failure: the run stays failed; notification, audit and the rollback trigger take it from here. Declared
     * once per attempt: a run evaluated again (its consumer's lease ran out after the work, before the event was
     * marked done) finds the flag set and adds nothing. The flag is set and tested in one statement, whose row
     * lock makes a concurrent second evaluation wait and then find it set.
     */
    @Transactional
    public void declareFinal(RunSummary run, Classification c, int retriesDone, String reason) {
        int flagged = jdbc.update("UPDATE phase4_metrics SET final_failure = true, failure_category = ?, "
                + "risk_level = ?, retry_count = ?, updated_at = now() WHERE run_id = ? AND NOT final_failure",
                c.category(), finalRisk(c, retriesDone), retriesDone, run.runId());
        if (flagged == 0 && Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM phase4_metrics WHERE run_id = ? AND final_failure)", Boolean.class,
                run.runId()))) {
            reportLog.append("retry", "run " + run.key() + " final failure was declared already; not again ("
                    + reason + ")");
            return;
        }
        Map<String, Object> payload = run.payload();
        payload.putAll(c.payload());
        payload.put("risk", finalRisk(c, retriesDone));
        payload.put("attempts", retriesDone);
        payload.put("reason", reason);
        outbox.record("final_failure", run.repository(), run.runId(), run.attempt(), payload);
        reportLog.append("retry", "run " + run.key() + " final failure: " + reason);
        // counted for the rollback trigger (consecutive final failures of the workflow)
        detection.evaluate(run);
    }

    private static String finalRisk(Classification c, int retriesDone) {
        return RiskLevels.ofFinalFailure(c.risk(), c.retryable(), retriesDone);
    }
}
