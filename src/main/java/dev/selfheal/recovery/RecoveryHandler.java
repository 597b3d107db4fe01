package dev.selfheal.recovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.detection.RunSummary;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.routes.ExchangeProperties;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Recovery Handler: when a re-run of ours completes successfully, read the run back from GitHub to verify it,
 * then mark the original failure recovered (time to recover kept), close the retry row and emit
 * {@code recovered} (Slack completion report, audit). A re-run that failed again goes back to the retry engine.
 */
@Component("recoveryHandler")
public class RecoveryHandler {

    public static final String RERUN_ATTEMPT = "rerunAttempt";

    private final JdbcTemplate jdbc;
    private final Outbox outbox;
    private final ObjectMapper mapper;
    private final ReportLog reportLog;

    public RecoveryHandler(JdbcTemplate jdbc, Outbox outbox, ObjectMapper mapper, ReportLog reportLog) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.mapper = mapper;
        this.reportLog = reportLog;
    }

    /** Route step: the attempt of our latest sent re-run of this run, or null when this success is not ours. */
    public Integer ourRerunAttempt(@ExchangeProperty(ExchangeProperties.RUN) RunSummary run) {
        List<Integer> sent = jdbc.queryForList("SELECT attempt FROM phase4_retry_history WHERE original_run_id = ? "
                + "AND status = 'sent' ORDER BY attempt DESC", Integer.class, run.runId());
        return sent.isEmpty() ? null : sent.get(0);
    }

    /** After reading the run back: recovered when GitHub confirms success, else recorded as unverified. */
    @Transactional
    public String verify(@ExchangeProperty(ExchangeProperties.RUN) RunSummary reported,
            @ExchangeProperty(RERUN_ATTEMPT) int attempt, @Body String body) throws JsonProcessingException {
        RunSummary actual = body == null || body.isBlank() ? null
                : RunSummary.from(mapper.readTree(body), reported.repository());
        if (actual == null || !actual.succeeded()) {
            String why = actual == null ? "GitHub could not be read" : "GitHub says " + actual.conclusion();
            jdbc.update("UPDATE phase4_retry_history SET result = ? WHERE original_run_id = ? AND attempt = ?",
                    "unverified: " + why, reported.runId(), attempt);
            reportLog.append("retry", "run " + reported.key() + " reported success but verification failed: " + why);
            return "unverified";
        }
        // our events on our clock: when we first saw the failure (its retry row) and when we verified the
        // recovery (now); GitHub's events on GitHub's clock: when the failed and the successful attempts completed.
        // A GitHub time can precede our own re-run request (clock skew), so the two are never mixed.
        Instant firstSeen = jdbc.queryForObject("SELECT min(created_at) FROM phase4_retry_history "
                + "WHERE original_run_id = ?", Timestamp.class, reported.runId()).toInstant();
        Instant verifiedAt = Instant.now();
        long ttr = Math.max(0, Duration.between(firstSeen, verifiedAt).toSeconds());
        Instant githubRecoveredAt = actual.completedAt();
        Instant githubFailedAt = githubFailedAt(reported.runId(), actual.attempt());
        Instant recoveredAt = githubRecoveredAt != null ? githubRecoveredAt : verifiedAt;
        jdbc.update("UPDATE phase4_retry_history SET status = 'succeeded', completed_at = now(), result = 'success' "
                + "WHERE original_run_id = ? AND status = 'sent'", reported.runId());
        jdbc.update("UPDATE phase4_metrics SET recovered = true, recovered_at = ?, final_failure = false, "
                + "retry_count = GREATEST(retry_count, ?), conclusion = 'success', updated_at = now() "
                + "WHERE run_id = ?", Timestamp.from(recoveredAt), attempt, reported.runId());
        Map<String, Object> payload = actual.payload();
        payload.put("attempts", attempt);
        payload.put("timeToRecoverSeconds", ttr);
        payload.put("timeToRecoverClock", "selfheal: from our first sight of the failure to our verification");
        payload.put("failureSeenAt", ReportFolders.utc(firstSeen));
        payload.put("verifiedAt", ReportFolders.utc(verifiedAt));
        payload.put("githubFailedAt", githubFailedAt == null ? null : ReportFolders.utc(githubFailedAt));
        payload.put("githubRecoveredAt", githubRecoveredAt == null ? null : ReportFolders.utc(githubRecoveredAt));
        Long githubTtr = githubFailedAt == null || githubRecoveredAt == null ? null
                : Duration.between(githubFailedAt, githubRecoveredAt).toSeconds();
        payload.put("githubTimeToRecoverSeconds", githubTtr);
        payload.put("verified", true);
        Map<String, Object> first = jdbc.queryForMap("SELECT category, evidence FROM phase4_retry_history "
                + "WHERE original_run_id = ? ORDER BY attempt LIMIT 1", reported.runId());
        payload.put("category", first.get("category"));
        // what made the failure worth a re-run (annotation / step / log line, and the rule)
        payload.put("evidence", first.get("evidence"));
        outbox.record("recovered", actual.repository(), actual.runId(), actual.attempt(), payload);
        reportLog.append("retry", "run " + reported.key() + " recovered after " + attempt + " re-run(s), verified on "
                + "GitHub: " + ttr + " s from our first sight of the failure (" + ReportFolders.utc(firstSeen)
                + ") to our verification (" + ReportFolders.utc(verifiedAt) + "), Selfheal's clock"
                + (githubTtr == null ? "" : "; GitHub's clock: failed attempt completed "
                        + ReportFolders.utc(githubFailedAt) + ", successful attempt completed "
                        + ReportFolders.utc(githubRecoveredAt) + " (" + githubTtr + " s)"));
        return "recovered";
    }

    /** GitHub's completion time of the run's first failed attempt (its run_completed event), or null. */
    private Instant githubFailedAt(long runId, int successfulAttempt) {
        List<String> at = jdbc.queryForList("SELECT payload->>'completedAt' FROM phase4_events WHERE event_type = "
                + "'run_completed' AND run_id = ? AND run_attempt < ? AND payload->>'conclusion' <> 'success' "
                + "ORDER BY run_attempt, id LIMIT 1", String.class, runId, successfulAttempt);
        try {
            return at.isEmpty() || at.get(0) == null ? null : Instant.parse(at.get(0));
        } catch (RuntimeException ex) {
            return null;
        }
    }
}
