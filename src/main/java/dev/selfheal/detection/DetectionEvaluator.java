package dev.selfheal.detection;

import dev.selfheal.outbox.Outbox;
import dev.selfheal.policy.DetectionRules;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.routes.ExchangeProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The rules of {@code phase4-detection-rules.json}, evaluated when a run comes in and when a run fails for good:
 * failure rate over a window, consecutive final failures of a workflow (the rollback trigger), a run slower than
 * a multiple of the workflow's recent p95, and failures of our own outputs. A detection is an event (database),
 * a line in {@code logs/detection_log_YYYYMMDD.log}, and its action; the same rule does not fire again within
 * its window for what it is about (a workflow or a repository: {@link #perWorkflow}). When a rule
 * that fired holds no more, one "back to normal" detection (status
 * {@code normal}) is recorded: a change of the problem's state, so it is notified once.
 */
@Component("detectionEvaluator")
public class DetectionEvaluator {

    private static final Logger LOG = LoggerFactory.getLogger(DetectionEvaluator.class);
    /** The most runs a failure rate counts: its window's latest. */
    static final int RATE_SAMPLE = 1_000;

    private final List<DetectionRules.Rule> rules;
    private final JdbcTemplate jdbc;
    private final Outbox outbox;
    private final ReportLog reportLog;
    /** When database writes failed, newest last: in memory, since the database cannot record its own outage. */
    private final ConcurrentLinkedDeque<Instant> databaseFailures = new ConcurrentLinkedDeque<>();

    public DetectionEvaluator(PolicyFiles policies, JdbcTemplate jdbc, Outbox outbox, ReportLog reportLog) {
        this.rules = policies.detectionRules().rules();
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.reportLog = reportLog;
    }

    /** Route step after a run was recorded; also called for every final failure. */
    public List<Map<String, Object>> evaluate(@ExchangeProperty(ExchangeProperties.RUN) RunSummary run) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (DetectionRules.Rule rule : rules) {
            Map<String, Object> d = switch (rule.type()) {
                case "failure_rate" -> failureRate(rule, run);
                case "consecutive_failures" -> consecutiveFailures(rule, run);
                case "duration_p95" -> slowRun(rule, run);
                case "output_failures" -> outputFailures(rule);
                default -> null;
            };
            if (d != null && !firedRecently(rule, run)) {
                found.add(fire(rule, run, d));
            } else if (d == null && "success".equals(run.conclusion()) && stillOpen(rule, run)) {
                // only a successful run shows a rule holds no more: a run just taken in has no final state yet
                found.add(backToNormal(rule, run));
            }
        }
        return found;
    }

    /** A write to the database failed (kept in memory for a day: the database cannot record its own outage). */
    public void databaseWriteFailed(Throwable cause) {
        databaseWriteFailedAt(Instant.now(), cause);
    }

    void databaseWriteFailedAt(Instant now, Throwable cause) {
        databaseFailures.addLast(now);
        Instant dayAgo = now.minus(Duration.ofDays(1));
        while (!databaseFailures.isEmpty() && databaseFailures.peekFirst().isBefore(dayAgo)) {
            databaseFailures.pollFirst();
        }
        reportLog.append("detection", "database write failed (" + databaseFailures.size() + " in the last 24 h): "
                + cause);
    }

    /** Database write failures within the last {@code minutes}. */
    int databaseFailuresWithin(int minutes) {
        Instant since = Instant.now().minus(Duration.ofMinutes(minutes));
        return (int) databaseFailures.stream().filter(t -> t.isAfter(since)).count();
    }

    /**
     * The failure rate of the repository's runs within the window, over its latest {@link #RATE_SAMPLE} runs at most:
     * it is evaluated for every run, so its cost must not grow with the repository's volume (a failure storm in a
     * busy repository would otherwise count tens of thousands of rows per run).
     */
    private Map<String, Object> failureRate(DetectionRules.Rule rule, RunSummary run) {
        Map<String, Object> counts = jdbc.queryForMap("""
                SELECT count(*) AS total,
                       count(*) FILTER (WHERE conclusion IN ('failure', 'timed_out', 'startup_failure')) AS failed
                  FROM (SELECT conclusion FROM phase4_metrics
                         WHERE repository = ? AND completed_at > now() - make_interval(mins => ?)
                         ORDER BY completed_at DESC LIMIT ?) latest""",
                run.repository(), rule.windowMinutes(), RATE_SAMPLE);
        long total = ((Number) counts.get("total")).longValue();
        long failed = ((Number) counts.get("failed")).longValue();
        int minRuns = rule.minRuns() == null ? 1 : rule.minRuns();
        if (total < minRuns || total == 0) {
            return null;
        }
        double rate = (double) failed / total;
        String runs = total < RATE_SAMPLE ? failed + " of " + total + " runs of " + run.repository() + " failed in the "
                + "last " + rule.windowMinutes() + " min" : failed + " of the latest " + total + " runs of "
                + run.repository() + " failed (within the last " + rule.windowMinutes() + " min)";
        return rate > rule.threshold() ? detail(rate, rule.threshold(), runs) : null;
    }

    private Map<String, Object> consecutiveFailures(DetectionRules.Rule rule, RunSummary run) {
        if (run.workflowId() == null) {
            return null;
        }
        List<Boolean> last = jdbc.queryForList("""
                SELECT final_failure FROM phase4_metrics WHERE repository = ? AND workflow_id = ?
                 ORDER BY completed_at DESC NULLS LAST LIMIT ?""", Boolean.class, run.repository(), run.workflowId(),
                rule.count());
        if (last.size() < rule.count() || last.contains(Boolean.FALSE)) {
            return null;
        }
        return detail(rule.count(), rule.count(), "the last " + rule.count() + " runs of " + run.workflowName()
                + " in " + run.repository() + " failed for good");
    }

    private Map<String, Object> slowRun(DetectionRules.Rule rule, RunSummary run) {
        Integer duration = run.durationSeconds();
        if (duration == null || run.workflowId() == null) {
            return null;
        }
        int sample = rule.sampleSize() == null ? 20 : rule.sampleSize();
        Map<String, Object> p95 = jdbc.queryForMap("""
                SELECT count(*) AS n, percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_seconds) AS p95
                  FROM (SELECT duration_seconds FROM phase4_metrics
                         WHERE repository = ? AND workflow_id = ? AND run_id <> ? AND duration_seconds IS NOT NULL
                         ORDER BY completed_at DESC LIMIT ?) recent""",
                run.repository(), run.workflowId(), run.runId(), sample);
        long n = ((Number) p95.get("n")).longValue();
        if (n < Math.min(5, sample) || p95.get("p95") == null) {
            return null;
        }
        double limit = ((Number) p95.get("p95")).doubleValue() * rule.multiplier();
        return duration > limit ? detail(duration, limit, run.workflowName() + " took " + duration + " s, over "
                + rule.multiplier() + " x its p95 of the last " + n + " runs") : null;
    }

    private Map<String, Object> outputFailures(DetectionRules.Rule rule) {
        int window = rule.windowMinutes() == null ? 10 : rule.windowMinutes();
        long count = switch (rule.output()) {
            case "database" -> databaseFailuresWithin(window);
            // each channel counts its own failed attempts (phase4_notifications), not the other channel's
            case "slack" -> failedNotifications(List.of("slack"), window);
            case "github", "github_issue" -> failedNotifications(List.of("github_issue", "github_comment"), window);
            // the consumers that write report files (evidence, audit tickets): a full volume fails them
            case "files" -> failedDeliveries(List.of("evidence", "audit"), window);
            default -> {
                Long failed = jdbc.queryForObject("""
                        SELECT count(*) FROM phase4_event_deliveries
                         WHERE consumer = ? AND last_error IS NOT NULL AND due_at > now() - make_interval(mins => ?)""",
                        Long.class, rule.output(), window);
                yield failed == null ? 0 : failed;
            }
        };
        return count >= rule.threshold() ? detail(count, rule.threshold(), count + " failed " + rule.output()
                + " deliveries in the last " + window + " min") : null;
    }

    private long failedDeliveries(List<String> consumers, int windowMinutes) {
        Long failed = jdbc.queryForObject("""
                SELECT count(*) FROM phase4_event_deliveries
                 WHERE consumer = ANY (?) AND status = 'pending' AND last_error IS NOT NULL
                   AND due_at > now() - make_interval(mins => ?)""",
                Long.class, consumers.toArray(String[]::new), windowMinutes);
        return failed == null ? 0 : failed;
    }

    private long failedNotifications(List<String> channels, int windowMinutes) {
        Long failed = jdbc.queryForObject("""
                SELECT count(*) FROM phase4_notifications
                 WHERE channel = ANY (?) AND outcome IN ('failed', 'dead_webhook')
                   AND attempted_at > now() - make_interval(mins => ?)""",
                Long.class, channels.toArray(String[]::new), windowMinutes);
        return failed == null ? 0 : failed;
    }

    /**
     * Whether one detection (and one notification) stands for a workflow (consecutive failures, slow runs) or for
     * the repository (its failure rate, whichever workflow's run showed it; our own outputs failing).
     */
    static boolean perWorkflow(DetectionRules.Rule rule) {
        return "consecutive_failures".equals(rule.type()) || "duration_p95".equals(rule.type());
    }

    /** Whether the rule's last detection for what it is about is not back to normal. */
    private boolean stillOpen(DetectionRules.Rule rule, RunSummary run) {
        List<String> last = jdbc.queryForList("""
                SELECT coalesce(payload->>'status', 'open') FROM phase4_events
                 WHERE event_type = 'detection' AND payload->>'ruleId' = ? AND repository IS NOT DISTINCT FROM ?
                   AND (NOT ? OR payload->>'workflowName' IS NOT DISTINCT FROM ?)
                 ORDER BY id DESC LIMIT 1""", String.class, rule.id(), run.repository(), perWorkflow(rule),
                run.workflowName());
        return !last.isEmpty() && !"normal".equals(last.get(0));
    }

    private Map<String, Object> backToNormal(DetectionRules.Rule rule, RunSummary run) {
        // about the rule, not the run that showed it: no run fields, so it is not taken for news of that run
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("repository", run.repository());
        if (run.workflowId() != null) {
            payload.put("workflowId", run.workflowId());
        }
        payload.put("workflowName", run.workflowName());
        payload.put("ruleId", rule.id());
        payload.put("type", rule.type());
        payload.put("action", "notify");
        payload.put("status", "normal");
        String detail = "rule " + rule.id() + " (" + rule.type() + ") holds no more"
                + (run.repository() == null ? "" : " for " + run.repository()) + ": back to normal";
        payload.put("detail", detail);
        outbox.record("detection", run.repository(), null, null, payload);
        reportLog.append("detection", detail);
        LOG.info("Detection {}: back to normal{}", rule.id(), run.repository() == null ? "" : " in " + run.repository());
        return payload;
    }

    /** Whether the rule fired, or said back to normal, for what it is about within its window: no flapping. */
    private boolean firedRecently(DetectionRules.Rule rule, RunSummary run) {
        int window = rule.windowMinutes() == null ? 60 : rule.windowMinutes();
        Boolean fired = jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM phase4_events
                 WHERE event_type = 'detection' AND payload->>'ruleId' = ? AND repository IS NOT DISTINCT FROM ?
                   AND (NOT ? OR payload->>'workflowName' IS NOT DISTINCT FROM ?)
                   AND occurred_at > now() - make_interval(mins => ?))""",
                Boolean.class, rule.id(), run.repository(), perWorkflow(rule), run.workflowName(), window);
        return Boolean.TRUE.equals(fired);
    }

    private Map<String, Object> fire(DetectionRules.Rule rule, RunSummary run, Map<String, Object> d) {
        Map<String, Object> payload = run.payload();
        payload.put("ruleId", rule.id());
        payload.put("type", rule.type());
        payload.put("action", rule.action());
        payload.putAll(d);
        outbox.record("detection", run.repository(), run.runId(), run.attempt(), payload);
        reportLog.append("detection", "rule " + rule.id() + " (" + rule.type() + ") fired, action " + rule.action()
                + ": " + d.get("detail"));
        LOG.warn("Detection {}: {} (action {})", rule.id(), d.get("detail"), rule.action());
        return payload;
    }

    private static Map<String, Object> detail(double value, double threshold, String detail) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("value", value);
        d.put("threshold", threshold);
        d.put("detail", detail);
        return d;
    }
}
