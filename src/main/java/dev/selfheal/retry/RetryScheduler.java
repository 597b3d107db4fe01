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
import java.time.Instant;
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
                + "WHERE original_run_id = ? AND status = 'sent' AND attempt < ?", c.category(), run.runId(),
                run.attempt());
        int retriesDone = retriesDone(run);
        String decision;
        if (!c.retryable()) {
            decision = "final";
            declareFinal(run, c, retriesDone, "not retryable: " + c.category());
        } else if (retriesDone >= policy.maxAttemptsFor(c.category())) {
            decision = "final";
            declareFinal(run, c, retriesDone, "still failing after " + retriesDone + " re-runs (maximum "
                    + policy.maxAttemptsFor(c.category()) + ")");
        } else {
            decision = schedule(run, c, retriesDone + 1) ? "scheduled" : "already-scheduled";
        }
        return decision;
    }

    /** Re-runs done for this run: GitHub's attempt count and our history agree unless a person re-ran it too. */
    int retriesDone(RunSummary run) {
        Integer ours = jdbc.queryForObject("SELECT count(*) FROM phase4_retry_history WHERE original_run_id = ? "
                + "AND status IN ('sending', 'sent', 'succeeded', 'failed')", Integer.class, run.runId());
        return Math.max(run.attempt() - 1, ours == null ? 0 : ours);
    }

    private boolean schedule(RunSummary run, Classification c, int attempt) {
        Duration wait = policy.backoffBefore(attempt);
        Instant due = Instant.now().plus(wait);
        int inserted = jdbc.update("""
                INSERT INTO phase4_retry_history (original_run_id, repository, attempt, category, reason,
                    evidence, interval_seconds, due_at, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')
                ON CONFLICT (original_run_id, attempt) DO NOTHING""",
                run.runId(), run.repository(), attempt, c.category(), c.matchedLine(), c.evidence(),
                wait.toMillis() / 1000.0, Timestamp.from(due));
        if (inserted == 0) {
            return false;
        }
        Map<String, Object> payload = run.payload();
        payload.put("attempt", attempt);
        payload.put("category", c.category());
        payload.put("ruleId", c.ruleId());
        payload.put("evidence", c.evidence());
        payload.put("intervalSeconds", wait.toMillis() / 1000.0);
        payload.put("dueAt", due.toString());
        outbox.record("retry_scheduled", run.repository(), run.runId(), run.attempt(), payload);
        reportLog.append("retry", "run " + run.key() + " re-run " + attempt + "/" + policy.maxAttemptsFor(c.category())
                + " scheduled in " + wait.toMillis() / 1000.0 + " s (" + c.category() + ")");
        return true;
    }

    /** Final failure: the run stays failed; notification, audit and the rollback trigger take it from here. */
    public void declareFinal(RunSummary run, Classification c, int retriesDone, String reason) {
        jdbc.update("UPDATE phase4_metrics SET final_failure = true, failure_category = ?, risk_level = ?, "
                + "retry_count = ?, updated_at = now() WHERE run_id = ?", c.category(), finalRisk(c, retriesDone),
                retriesDone, run.runId());
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
