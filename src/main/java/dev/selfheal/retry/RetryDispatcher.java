package dev.selfheal.retry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.detection.RunSummary;
import dev.selfheal.github.GitHubApi;
import dev.selfheal.github.GitHubDeadLetter;
import dev.selfheal.github.GitHubPaths;
import dev.selfheal.github.GitHubRateLimit;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.risk.RiskLevels;
import dev.selfheal.routes.ExchangeProperties;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sends the re-runs whose due time has come and records the result. A due row is claimed by
 * flipping it to {@code sending} (SKIP LOCKED), so a restart or a second instance sends each re-run once; the
 * guard is checked first; GitHub's answer decides the row's end: sent, dead letter (422/403/404: never retried,
 * final failure), or back to pending until the rate limit resets.
 */
@Component("retryDispatcher")
public class RetryDispatcher {

    public static final String RETRY = "pendingRetry";
    public static final String VIOLATION = "guardViolation";

    private final JdbcTemplate jdbc;
    private final Outbox outbox;
    private final RetryScheduler scheduler;
    private final ReportLog reportLog;
    private final ObjectMapper mapper;

    public RetryDispatcher(JdbcTemplate jdbc, Outbox outbox, RetryScheduler scheduler,
            ReportLog reportLog, ObjectMapper mapper) {
        this.mapper = mapper;
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.scheduler = scheduler;
        this.reportLog = reportLog;
    }

    /** Claims up to 20 due re-runs, in due order (RETURNING alone has no order: re-runs held back go out as due). */
    public List<PendingRetry> claimDue() {
        return jdbc.query("""
                WITH claimed AS (
                    UPDATE phase4_retry_history SET status = 'sending', requested_at = now()
                     WHERE id IN (SELECT id FROM phase4_retry_history
                                   WHERE status = 'pending' AND due_at <= now()
                                   ORDER BY due_at LIMIT 20 FOR UPDATE SKIP LOCKED)
                    RETURNING id, original_run_id, repository, attempt, category, reason, interval_seconds, due_at)
                SELECT * FROM claimed ORDER BY due_at, id""",
                (rs, i) -> new PendingRetry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4),
                        rs.getString(5), rs.getString(6), rs.getDouble(7), rs.getTimestamp(8).toInstant()));
    }

    /**
     * Rows left in {@code sending} by a process that stopped between the claim and GitHub's answer (a crash, a
     * kill): claimed for reconciliation by pushing their claim time forward, so one instance looks at each.
     */
    public List<PendingRetry> claimStale() {
        return jdbc.query("""
                UPDATE phase4_retry_history SET requested_at = now()
                 WHERE id IN (SELECT id FROM phase4_retry_history
                               WHERE status = 'sending' AND requested_at < now() - interval '10 minutes'
                               LIMIT 20 FOR UPDATE SKIP LOCKED)
                RETURNING id, original_run_id, repository, attempt, category, reason, interval_seconds, due_at""",
                (rs, i) -> new PendingRetry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4),
                        rs.getString(5), rs.getString(6), rs.getDouble(7), rs.getTimestamp(8).toInstant()));
    }

    /** Route step: the GitHub read that tells whether a stale row's re-run reached GitHub. */
    public void prepareReconcile(Exchange exchange) {
        PendingRetry retry = exchange.getMessage().getBody(PendingRetry.class);
        exchange.setProperty(RETRY, retry);
        exchange.setProperty(ExchangeProperties.REPOSITORY, retry.repository());
        exchange.setProperty(ExchangeProperties.RUN_ID, retry.runId());
        exchange.setProperty(GitHubApi.METHOD, "GET");
        exchange.setProperty(GitHubApi.PATH, GitHubPaths.run(retry.repository(), retry.runId()));
    }

    /**
     * GitHub's run_attempt says whether the re-run happened: past the attempt the row was for, it did (sent);
     * otherwise the POST never arrived and the row is due again. Never a second POST for a re-run that went out.
     */
    public String reconcile(Exchange exchange) throws java.io.IOException {
        PendingRetry retry = exchange.getProperty(RETRY, PendingRetry.class);
        String body = exchange.getMessage().getBody(String.class);
        if (GitHubApi.failed(exchange) || body == null || body.isBlank()) {
            return "unknown";
        }
        int attemptOnGitHub = mapper.readTree(body).path("run_attempt").asInt(1);
        if (attemptOnGitHub > retry.attempt()) {
            jdbc.update("UPDATE phase4_retry_history SET status = 'sent', retry_run_id = original_run_id, "
                    + "result = 'reconciled: GitHub shows attempt ' || ? WHERE id = ?", attemptOnGitHub, retry.id());
            reportLog.append("retry", "run " + retry.repository() + "#" + retry.runId() + " re-run " + retry.attempt()
                    + " was sent before a stop (GitHub shows attempt " + attemptOnGitHub + ")");
            return "sent";
        }
        jdbc.update("UPDATE phase4_retry_history SET status = 'pending', requested_at = NULL, due_at = now() "
                + "WHERE id = ?", retry.id());
        reportLog.append("retry", "run " + retry.repository() + "#" + retry.runId() + " re-run " + retry.attempt()
                + " had not reached GitHub before a stop: due again");
        return "pending";
    }

    /** Route step: the claimed row (the body) and its run go on the exchange for the guard and the call. */
    public void begin(Exchange exchange) {
        PendingRetry retry = exchange.getMessage().getBody(PendingRetry.class);
        exchange.setProperty(RETRY, retry);
        exchange.setProperty(ExchangeProperties.REPOSITORY, retry.repository());
        exchange.setProperty(ExchangeProperties.RUN_ID, retry.runId());
    }

    /** Route step after the guard let the re-run through: the POST rerun-failed-jobs call. */
    public void rerunCall(Exchange exchange) {
        PendingRetry retry = exchange.getProperty(RETRY, PendingRetry.class);
        exchange.setProperty(GitHubApi.METHOD, "POST");
        exchange.setProperty(GitHubApi.PATH, retry.rerunPath());
        exchange.getMessage().setBody(Map.of());
    }

    /** The guard said no: the re-run is not sent, the violation is recorded, the run is a final failure. */
    @Transactional
    public void blocked(@ExchangeProperty(RETRY) PendingRetry retry, @ExchangeProperty(VIOLATION) CiGuard.Violation v) {
        jdbc.update("UPDATE phase4_retry_history SET status = 'blocked', requested_at = NULL, completed_at = now(), "
                + "result = ? WHERE id = ?", "guard: " + v.rule() + ": " + v.detail(), retry.id());
        Map<String, Object> payload = runPayload(retry);
        payload.put("rule", v.rule());
        payload.put("detail", v.detail());
        payload.put("attempt", retry.attempt());
        payload.put("category", retry.category());
        outbox.record("guard_violation", retry.repository(), retry.runId(), null, payload);
        reportLog.append("retry", "run " + retry.repository() + "#" + retry.runId() + " re-run " + retry.attempt()
                + " blocked by the CI guard (" + v.rule() + "): " + v.detail());
        RunSummary run = RunSummary.fromPayload(mapper.valueToTree(payload));
        scheduler.declareFinal(run, new Classification(retry.category(), null, retry.reason(), null, false,
                RiskLevels.ofGuardViolation(), null), retry.attempt() - 1, "guard violation: " + v.rule());
    }

    /** After the POST: sent, dead-lettered (never retried) or waiting for the rate limit. */
    @Transactional
    public String afterRerun(Exchange exchange) {
        PendingRetry retry = exchange.getProperty(RETRY, PendingRetry.class);
        Integer status = exchange.getProperty(GitHubApi.STATUS, Integer.class);
        String withheld = exchange.getProperty(GitHubApi.WITHHELD, String.class);
        if ("killswitch".equals(withheld)) {
            // the kill switch engaged between the claim and the call: the re-run waits with its due time unchanged
            jdbc.update("UPDATE phase4_retry_history SET status = 'pending', requested_at = NULL WHERE id = ?",
                    retry.id());
            reportLog.append("retry", "run " + retry.repository() + "#" + retry.runId() + " re-run " + retry.attempt()
                    + " held back by the kill switch: pending until it is released");
            return "withheld";
        }
        if (withheld != null) {
            // observe mode: the decision is kept as what Selfheal would have done; nothing reached GitHub
            jdbc.update("UPDATE phase4_retry_history SET status = 'withheld', completed_at = now(), result = ? "
                    + "WHERE id = ?", "would re-run (" + withheld + " mode: not sent)", retry.id());
            Map<String, Object> payload = runPayload(retry);
            payload.put("attempt", retry.attempt());
            payload.put("category", retry.category());
            payload.put("decision", "would re-run");
            outbox.record("retry_withheld", retry.repository(), retry.runId(), null, payload);
            reportLog.append("retry", "run " + retry.repository() + "#" + retry.runId() + " would re-run "
                    + retry.attempt() + " (" + retry.category() + "; " + withheld + " mode: not sent)");
            return "withheld";
        }
        if (exchange.getProperty(GitHubRateLimit.LIMITED, false, Boolean.class)) {
            Instant resume = exchange.getProperty(GitHubRateLimit.RESUME_AT, Instant.class);
            jdbc.update("UPDATE phase4_retry_history SET status = 'pending', requested_at = NULL, due_at = ?, "
                    + "http_status = ? WHERE id = ?", Timestamp.from(resume), status, retry.id());
            reportLog.append("retry", "run " + retry.repository() + "#" + retry.runId() + " re-run "
                    + retry.attempt() + " waits for the GitHub rate limit until " + resume);
            return "rate-limited";
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = exchange.getProperty(GitHubDeadLetter.FAILURE, Map.class);
        if (failure != null) {
            String category = String.valueOf(failure.get("category"));
            jdbc.update("UPDATE phase4_retry_history SET status = 'dead_letter', completed_at = now(), "
                    + "http_status = ?, result = ? WHERE id = ?", failure.get("status"),
                    category + ": " + failure.get("message"), retry.id());
            RunSummary run = RunSummary.fromPayload(mapper.valueToTree(runPayload(retry)));
            scheduler.declareFinal(run, new Classification(category, "http-" + failure.get("status"),
                    String.valueOf(failure.get("message")), null, false, RiskLevels.ofRefusedRerun(category), null),
                    retry.attempt() - 1, "the re-run request was refused: HTTP " + failure.get("status"));
            return "dead-letter";
        }
        jdbc.update("UPDATE phase4_retry_history SET status = 'sent', retry_run_id = original_run_id, "
                + "http_status = ? WHERE id = ?", status, retry.id());
        jdbc.update("UPDATE phase4_metrics SET retry_count = GREATEST(retry_count, ?), updated_at = now() "
                + "WHERE run_id = ?", retry.attempt(), retry.runId());
        Map<String, Object> payload = runPayload(retry);
        payload.put("attempt", retry.attempt());
        payload.put("httpStatus", status);
        payload.put("category", retry.category());
        outbox.record("retry_sent", retry.repository(), retry.runId(), null, payload);
        reportLog.append("retry", "run " + retry.repository() + "#" + retry.runId() + " re-run " + retry.attempt()
                + " requested (HTTP " + status + ", " + retry.category() + "; " + realWait(retry) + ")");
        return "sent";
    }

    /**
     * The wait as it happened, on our clock: when the re-run was scheduled, its back-off, its due time (moved by a
     * rate limit, a restart) and when the request went out (the claim just before the POST), not the back-off
     * alone: the back-off alone once read "waited 10.0 s" for a re-run sent 32 s after its due time.
     */
    String realWait(PendingRetry retry) {
        List<String> text = jdbc.query("SELECT created_at, due_at, coalesce(requested_at, now()) FROM "
                + "phase4_retry_history WHERE id = ?", (rs, i) -> waitText(rs.getTimestamp(1).toInstant(),
                        rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant(), retry.intervalSeconds()),
                retry.id());
        return text.isEmpty() ? "back-off " + retry.intervalSeconds() + " s" : text.get(0);
    }

    static String waitText(java.time.Instant scheduled, java.time.Instant due, java.time.Instant sent,
            double backoffSeconds) {
        double waited = java.time.Duration.between(scheduled, sent).toMillis() / 1000.0;
        double late = java.time.Duration.between(due, sent).toMillis() / 1000.0;
        return String.format(java.util.Locale.ROOT, "scheduled %s with back-off %.1f s, due %s, sent %s: waited %.1f s, "
                + "%.1f s %s its due time (Selfheal's clock)", dev.selfheal.reports.ReportFolders.utc(scheduled),
                backoffSeconds, dev.selfheal.reports.ReportFolders.utc(due), dev.selfheal.reports.ReportFolders.utc(sent),
                waited, Math.abs(late), late >= 0 ? "after" : "before");
    }

    /** The run's common event fields, from its metrics row. */
    private Map<String, Object> runPayload(PendingRetry retry) {
        Map<String, Object> p = new LinkedHashMap<>();
        jdbc.query("SELECT workflow_id, workflow_name, html_url, actor, conclusion, run_attempt FROM phase4_metrics "
                + "WHERE run_id = ?", rs -> {
                    p.put("repository", retry.repository());
                    p.put("runId", retry.runId());
                    p.put("runAttempt", rs.getInt(6));
                    p.put("workflowId", rs.getObject(1));
                    p.put("workflowName", rs.getString(2));
                    p.put("htmlUrl", rs.getString(3));
                    p.put("actor", rs.getString(4));
                    p.put("conclusion", rs.getString(5));
                }, retry.runId());
        p.putIfAbsent("repository", retry.repository());
        p.putIfAbsent("runId", retry.runId());
        return p;
    }
}
