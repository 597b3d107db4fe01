package dev.selfheal.problems;

import dev.selfheal.outbox.Outbox;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * (Its own package: both the notification and the audit consumer ask it, and audit must not depend on
 * notification, which links audit tickets.)
 *
 * Notify on change, not on repetition (docs/ops/PHASE4_DESIGN.md). An event with a problem key (see {@link #problemOf}) is
 * notified when its problem is new, when the problem's state changed (a recovered run after its final failure) or
 * when the problem's cool-down ({@code selfheal.notification.repeat-cooldown}) is over; otherwise it is a repeat:
 * recorded as suppressed, and neither Slack, GitHub issue nor audit ticket is produced. The decision is taken once
 * per event by whichever consumer (notification or audit) sees it first, under a row lock on the problem, and kept
 * in {@code phase4_notification_decisions}: both consumers and a redelivery of the event agree. Events without a
 * key (kill switch, rollback, guard violation, evidence missing, daily summary) are always notified.
 */
@Component
public class NotificationProblems {

    /** A problem: what an event is about, and the state it reports. */
    public record Problem(String key, String state) {
    }

    /** The decision for one event. */
    public record Decision(String key, String state, boolean suppressed, long occurrences) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Duration cooldown;

    /** The cool-down is {@code selfheal.notification.repeat-cooldown} (NotificationProperties documents it). */
    public NotificationProblems(JdbcTemplate jdbc, TransactionTemplate tx,
            @Value("${selfheal.notification.repeat-cooldown:24h}") Duration cooldown) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.cooldown = cooldown;
    }

    public Duration cooldown() {
        return cooldown;
    }

    /** The problem an event is about, or null when its type is notified every time. */
    public static Problem problemOf(Outbox.Event e) {
        var p = e.payload();
        String repository = e.repository() != null ? e.repository() : p.path("repository").asText(null);
        switch (e.type()) {
            case "dead_letter": {
                String route = p.path("route").asText("");
                if (route.startsWith("notification-") || route.startsWith("audit-")) {
                    return null; // our own calls: on the notification rows already, never notified
                }
                String status = p.path("status").isNull() || p.path("status").isMissingNode() ? "-"
                        : p.path("status").asText();
                return new Problem("dead_letter:" + p.path("method").asText("GET") + " "
                        + pathWithoutIds(p.path("url").asText("")) + " " + status + " "
                        + p.path("category").asText("unknown"), "dead");
            }
            case "final_failure":
            case "recovered": {
                if (repository == null || e.runId() == null) {
                    return null;
                }
                // one problem per run: a final failure of the same attempt again is a repeat; a recovery (or the
                // final failure of a later attempt) is a change of state
                String state = "final_failure".equals(e.type())
                        ? "final_failure@" + (e.runAttempt() == null ? "-" : e.runAttempt()) : "recovered";
                return new Problem("run:" + repository + "#" + e.runId(), state);
            }
            case "guard_violation":
            case "evidence_missing": {
                if (repository == null || e.runId() == null) {
                    return null;
                }
                // per run: reprocessing a run the guard stopped, or collecting its evidence again, is a repeat
                String what = "guard_violation".equals(e.type()) ? "guard:" + p.path("rule").asText("-")
                        : "evidence_missing";
                return new Problem(what + ":" + repository + "#" + e.runId(), "open");
            }
            case "detection": {
                String target = p.hasNonNull("file") ? p.path("file").asText() : p.path("type").asText("-");
                return new Problem("detection:" + p.path("ruleId").asText("-") + ":" + target
                        + (repository == null ? "" : " " + repository), p.path("status").asText("open"));
            }
            default:
                return null;
        }
    }

    /** An API URL's path with its numeric ids as {@code :id} (no host, no query): the same call on another id. */
    public static String pathWithoutIds(String url) {
        String path;
        try {
            URI uri = URI.create(url.trim());
            path = uri.getRawPath() != null && uri.isAbsolute() ? uri.getRawPath() : url;
        } catch (IllegalArgumentException bad) {
            path = url;
        }
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        return path.replaceAll("(?<=/)\\d+(?=/|$)", ":id");
    }

    /** Decides (once per event) whether the event is notified or suppressed as a repeat; null: no problem key. */
    public Decision decide(Outbox.Event e) {
        Problem problem = problemOf(e);
        if (problem == null) {
            return null;
        }
        return tx.execute(status -> {
            Decision known = decided(e.id());
            if (known != null) {
                return known;
            }
            jdbc.update("INSERT INTO phase4_notification_problems (problem_key, state) VALUES (?, ?) "
                    + "ON CONFLICT (problem_key) DO NOTHING", problem.key(), problem.state());
            Map<String, Object> row = jdbc.queryForMap("SELECT state, last_notified IS NULL AS fresh, "
                    + "coalesce(last_notified + make_interval(secs => ?) <= now(), true) AS cooled "
                    + "FROM phase4_notification_problems WHERE problem_key = ? FOR UPDATE",
                    (double) cooldown.toMillis() / 1000.0, problem.key());
            known = decided(e.id()); // the other consumer may have decided while this one waited for the lock
            if (known != null) {
                return known;
            }
            boolean notify = (Boolean) row.get("fresh") || !problem.state().equals(row.get("state"))
                    || (Boolean) row.get("cooled");
            Long occurrences = jdbc.queryForObject("UPDATE phase4_notification_problems SET state = ?, last_seen = "
                    + "now(), occurrences = occurrences + 1, suppressed = suppressed + ?, last_notified = CASE WHEN ? "
                    + "THEN now() ELSE last_notified END, last_event_id = ? WHERE problem_key = ? RETURNING occurrences",
                    Long.class, problem.state(), notify ? 0 : 1, notify, e.id(), problem.key());
            jdbc.update("INSERT INTO phase4_notification_decisions (event_id, problem_key, state, suppressed) "
                    + "VALUES (?, ?, ?, ?)", e.id(), problem.key(), problem.state(), !notify);
            return new Decision(problem.key(), problem.state(), !notify, occurrences == null ? 1 : occurrences);
        });
    }

    private Decision decided(long eventId) {
        List<Decision> rows = jdbc.query("SELECT d.problem_key, d.state, d.suppressed, p.occurrences FROM "
                + "phase4_notification_decisions d JOIN phase4_notification_problems p USING (problem_key) "
                + "WHERE d.event_id = ?", (rs, i) -> new Decision(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                        rs.getLong(4)), eventId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The Slack thread of a problem (its first message's channel and ts), or null before its first message. */
    public SlackThread slackThread(String problemKey) {
        List<SlackThread> rows = jdbc.query("SELECT slack_channel, slack_thread_ts FROM phase4_notification_problems "
                + "WHERE problem_key = ? AND slack_thread_ts IS NOT NULL",
                (rs, i) -> new SlackThread(rs.getString(1), rs.getString(2)), problemKey);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Keeps a message as the problem's thread root, unless it has one already (the first message stays the root). */
    public void rememberSlackThread(String problemKey, String channel, String ts) {
        jdbc.update("UPDATE phase4_notification_problems SET slack_channel = ?, slack_thread_ts = ? "
                + "WHERE problem_key = ? AND slack_thread_ts IS NULL", channel, ts, problemKey);
    }

    public record SlackThread(String channel, String ts) {
    }

    /** Whether the event is a repeat that is not notified again (no Slack, no issue, no audit ticket). */
    public boolean suppressed(Outbox.Event e) {
        Decision d = decide(e);
        return d != null && d.suppressed();
    }
}
