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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the re-runs whose due time has come and records the result. A due row is claimed by
 * flipping it to {@code sending} (SKIP LOCKED), so a restart or a second instance sends each re-run once; the
 * guard is checked first; GitHub's answer decides the row's end: sent, dead letter (422/403/404: never retried,
 * final failure), or back to pending until the rate limit resets.
 */
@Component("retryDispatcher")
public class RetryDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RetryDispatcher.class);

    /** How long a scheduled re-run waits for GitHub to answer (5xx storms, outages) before it is given up. */
    static final java.time.Duration GITHUB_UNAVAILABLE_LIMIT = java.time.Duration.ofHours(1);

    public static final String RETRY = "pendingRetry";
    public static final String VIOLATION = "guardViolation";
    public static final String CLAIM_LOST = "retryClaimLost";

    private final JdbcTemplate jdbc;
    private final Outbox outbox;
    private final RetryScheduler scheduler;
    private final ReportLog reportLog;
    private final ObjectMapper mapper;
    private final Duration sendingLease;
    private final TransactionTemplate tx;
    /**
     * Re-runs GitHub accepted whose record the database did not take (it went away during the call), by row id:
     * recorded by the next dispatch tick that reaches the database, instead of waiting for the sending lease and
     * the reconcile. Only a process that dies before then leaves one to the reconcile.
     */
    private final Map<Long, SentUnrecorded> unrecorded = new ConcurrentHashMap<>();

    private record SentUnrecorded(PendingRetry retry, Integer status) {
    }

    public RetryDispatcher(JdbcTemplate jdbc, Outbox outbox, RetryScheduler scheduler,
            ReportLog reportLog, ObjectMapper mapper, TransactionTemplate tx,
            @Value("${selfheal.retry.sending-lease:PT10M}") Duration sendingLease) {
        this.tx = tx;
        this.mapper = mapper;
        this.sendingLease = sendingLease;
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.scheduler = scheduler;
        this.reportLog = reportLog;
    }

    /** Re-runs one claim takes. */
    static final int CLAIM = 20;
    /** Claims one dispatch tick makes at most while they come back full (the next tick goes on). */
    static final int MAX_CLAIMS_PER_TICK = 10;

    /** After the {@code loopIndex}-th claim of a tick (from 0): a full claim means more may be due now. */
    public boolean claimAgain(List<PendingRetry> claimed, int loopIndex) {
        return claimed.size() >= CLAIM && loopIndex + 1 < MAX_CLAIMS_PER_TICK;
    }

    /**
     * A claim's re-runs grouped by repository, each group in due order, the groups in the order of their first due
     * time: route retry-dispatch sends the groups side by side and each group one after the other, so a repository's
     * re-runs reach GitHub in due order (a kill switch release sends what it held as it fell due).
     */
    public List<List<PendingRetry>> byRepository(@Body List<PendingRetry> claimed) {
        Map<String, List<PendingRetry>> groups = new LinkedHashMap<>();
        for (PendingRetry retry : claimed) {
            groups.computeIfAbsent(retry.repository(), r -> new ArrayList<>()).add(retry);
        }
        return new ArrayList<>(groups.values());
    }

    /**
     * Claims up to 20 due re-runs, in due order (RETURNING alone has no order: re-runs held back go out as due);
     * none while the kill switch is engaged on any instance.
     */
    public List<PendingRetry> claimDue() {
        return jdbc.query("""
                WITH claimed AS (
                    UPDATE phase4_retry_history SET status = 'sending', requested_at = now()
                     WHERE id IN (SELECT id FROM phase4_retry_history
                                   WHERE status = 'pending' AND due_at <= now()
                                     -- the kill switch engaged by any instance on this database holds every re-run
                                     AND NOT EXISTS (SELECT 1 FROM phase4_killswitch_log
                                                      WHERE action = 'stop' AND released_at IS NULL)
                                   ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED)
                    RETURNING id, original_run_id, repository, attempt, category, reason, interval_seconds, due_at)
                SELECT * FROM claimed ORDER BY due_at, id""",
                (rs, i) -> new PendingRetry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4),
                        rs.getString(5), rs.getString(6), rs.getDouble(7), rs.getTimestamp(8).toInstant()), CLAIM);
    }

    /**
     * Rows left in {@code sending} by a process that stopped between the claim and GitHub's answer (a crash, a
     * kill): claimed for reconciliation by pushing their claim time forward, so one instance looks at each.
     * {@code selfheal.retry.sending-lease} (10 min) is far longer than any POST with its redeliveries, so a row
     * another instance is still sending is never taken.
     */
    public List<PendingRetry> claimStale() {
        return jdbc.query("""
                UPDATE phase4_retry_history SET requested_at = now()
                 WHERE id IN (SELECT id FROM phase4_retry_history
                               WHERE status = 'sending' AND requested_at < now() - make_interval(secs => ?)
                               LIMIT 20 FOR UPDATE SKIP LOCKED)
                RETURNING id, original_run_id, repository, attempt, category, reason, interval_seconds, due_at""",
                (rs, i) -> new PendingRetry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4),
                        rs.getString(5), rs.getString(6), rs.getDouble(7), rs.getTimestamp(8).toInstant()),
                (double) sendingLease.toMillis() / 1000.0);
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

    /**
     * Route step: the claimed row (the body) and its run go on the exchange for the guard and the call. The claim
     * is renewed first, so the sending lease counts from this row's own call, not from the claim of its batch (a
     * batch of slow calls would otherwise outlast the lease and be reconciled, and sent, a second time); a row
     * the reconcile already took back is left alone ({@link #CLAIM_LOST}: the route stops).
     */
    public void begin(Exchange exchange) {
        PendingRetry retry = exchange.getMessage().getBody(PendingRetry.class);
        if (jdbc.update("UPDATE phase4_retry_history SET requested_at = clock_timestamp() WHERE id = ? "
                + "AND status = 'sending'", retry.id()) == 0) {
            exchange.setProperty(CLAIM_LOST, true);
            return;
        }
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

    /**
     * GitHub answered 5xx (or nothing) through every redelivery: GitHub's trouble, not a refusal of the re-run. The
     * row goes back to pending, due again after as long as it has existed (so its age doubles with each wait: 5 s
     * at least, 10 min at most), on the database's clock. Only a re-run that has been waiting for
     * {@link #GITHUB_UNAVAILABLE_LIMIT} since it was scheduled is given up (dead letter, final failure).
     */
    private boolean waitsForGitHub(PendingRetry retry, Map<String, Object> failure) {
        int waiting = jdbc.update("""
                UPDATE phase4_retry_history SET status = 'pending', requested_at = NULL, http_status = ?, result = ?,
                       due_at = now() + LEAST(make_interval(secs => 600), GREATEST(make_interval(secs => 5), now() - created_at))
                 WHERE id = ? AND created_at > now() - make_interval(secs => ?)""",
                failure.get("status"), "GitHub unavailable (" + failure.get("category") + "): tried again later",
                retry.id(), (double) GITHUB_UNAVAILABLE_LIMIT.toSeconds());
        if (waiting == 0) {
            return false;
        }
        reportLog.append("retry", "run " + retry.repository() + "#" + retry.runId() + " re-run " + retry.attempt()
                + " not sent: GitHub answered " + (failure.get("status") == null ? "nothing" : failure.get("status"))
                + " through every redelivery; due again after a back-off");
        return true;
    }

    /**
     * After the POST: sent, dead-lettered (never retried) or waiting for the rate limit or for GitHub. A re-run
     * GitHub accepted stays accepted when its record fails (the database went away during the call): kept here and
     * recorded by {@link #recordLateSends} once the database answers, so it is neither lost nor sent again.
     */
    public String afterRerun(Exchange exchange) {
        PendingRetry retry = exchange.getProperty(RETRY, PendingRetry.class);
        Integer status = exchange.getProperty(GitHubApi.STATUS, Integer.class);
        boolean accepted = exchange.getProperty(GitHubApi.WITHHELD) == null
                && !exchange.getProperty(GitHubRateLimit.LIMITED, false, Boolean.class)
                && exchange.getProperty(GitHubDeadLetter.FAILURE) == null;
        if (!accepted) {
            return tx.execute(s -> notSent(exchange, retry, status));
        }
        try {
            tx.executeWithoutResult(s -> recordSent(retry, status, false));
            return "sent";
        } catch (DataAccessException | TransactionException e) {
            unrecorded.put(retry.id(), new SentUnrecorded(retry, status));
            LOG.warn("Run {}#{} re-run {} was accepted by GitHub (HTTP {}), but the database did not take its "
                    + "record ({}); it is recorded when the database answers again", retry.repository(),
                    retry.runId(), retry.attempt(), status, e.getMostSpecificCause().getMessage());
            return "sent-unrecorded";
        }
    }

    /** Route step of retry-dispatch, before its claims: the accepted re-runs the database missed, recorded now. */
    public int recordLateSends() {
        int recorded = 0;
        for (SentUnrecorded late : List.copyOf(unrecorded.values())) {
            boolean written;
            try {
                written = Boolean.TRUE.equals(tx.execute(s -> recordSent(late.retry(), late.status(), true)));
            } catch (DataAccessException | TransactionException stillDown) {
                return recorded; // the next tick tries again
            }
            unrecorded.remove(late.retry().id());
            recorded++;
            if (written) {
                LOG.info("Run {}#{} re-run {}: accepted by GitHub during the database outage, recorded now",
                        late.retry().repository(), late.retry().runId(), late.retry().attempt());
            } else {
                LOG.info("Run {}#{} re-run {}: accepted by GitHub during the database outage; a reconcile had "
                        + "settled it meanwhile", late.retry().repository(), late.retry().runId(),
                        late.retry().attempt());
            }
        }
        return recorded;
    }

    private String notSent(Exchange exchange, PendingRetry retry, Integer status) {
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
            // GitHub's reset (or Retry-After) becomes a wait from now, applied on the database's clock
            double waitSeconds = Math.max(0, java.time.Duration.between(Instant.now(), resume).toMillis()) / 1000.0;
            jdbc.update("UPDATE phase4_retry_history SET status = 'pending', requested_at = NULL, "
                    + "due_at = now() + make_interval(secs => ?), http_status = ? WHERE id = ?", waitSeconds, status,
                    retry.id());
            reportLog.append("retry", "run " + retry.repository() + "#" + retry.runId() + " re-run "
                    + retry.attempt() + " waits for the GitHub rate limit until " + resume);
            return "rate-limited";
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = exchange.getProperty(GitHubDeadLetter.FAILURE, Map.class);
        if (failure != null && GitHubApi.unavailable(exchange) && waitsForGitHub(retry, failure)) {
            return "github-unavailable";
        }
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
        throw new IllegalStateException("re-run " + retry.id() + " neither sent nor held back");
    }

    /**
     * The re-run as sent: row, run, event, day log. {@code late} (recorded after an outage): only while the row is
     * still {@code sending}, since a reconcile by another instance may have settled it meanwhile; false then.
     */
    private boolean recordSent(PendingRetry retry, Integer status, boolean late) {
        int rows = jdbc.update("UPDATE phase4_retry_history SET status = 'sent', retry_run_id = original_run_id, "
                + "http_status = ? WHERE id = ?" + (late ? " AND status = 'sending'" : ""), status, retry.id());
        if (rows == 0 && late) {
            return false;
        }
        jdbc.update("UPDATE phase4_metrics SET retry_count = GREATEST(retry_count, ?), updated_at = now() "
                + "WHERE run_id = ?", retry.attempt(), retry.runId());
        Map<String, Object> payload = runPayload(retry);
        payload.put("attempt", retry.attempt());
        payload.put("httpStatus", status);
        payload.put("category", retry.category());
        outbox.record("retry_sent", retry.repository(), retry.runId(), null, payload);
        reportLog.append("retry", "run " + retry.repository() + "#" + retry.runId() + " re-run " + retry.attempt()
                + " requested (HTTP " + status + ", " + retry.category() + "; " + realWait(retry) + ")");
        return true;
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
