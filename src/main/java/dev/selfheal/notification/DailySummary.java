package dev.selfheal.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.ReportFolders;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The daily summary (Quartz, {@code selfheal.notification.daily-summary-cron}): counts of the last 24 hours'
 * events, and the failures no rule recognised grouped by their normalised first error line (with counts and the
 * rule suggested for each, so operators grow {@code config/phase4-retry-policy.json} from what their fleet shows),
 * recorded as a {@code daily_summary} outbox event so it is delivered like any other notification (Slack only,
 * queued while Slack is down), and the digest of the repeats not notified again ({@link dev.selfheal.problems.NotificationProblems}).
 * All are computed in SQL over {@code phase4_events}.
 */
@Component
public class DailySummary {

    /** Groups of unknown failures listed; the rest are counted. */
    static final int MAX_UNKNOWN_GROUPS = 10;
    private static final String UNKNOWN_GROUPS = """
            SELECT coalesce(payload->'suggestedRule'->>'normalised', '') AS line, count(*) AS failures,
                   count(DISTINCT (repository, run_id)) AS runs, count(DISTINCT repository) AS repositories,
                   min(payload->'suggestedRule'->>'id') AS id, min(payload->'suggestedRule'->>'pattern') AS pattern,
                   min((payload->'suggestedRule'->'keywords')::text) AS keywords, count(*) OVER () AS groups
              FROM phase4_events
             WHERE event_type = 'failure_classified' AND payload->>'category' = 'unknown'
               AND occurred_at > now() - interval '24 hours'
             GROUP BY 1
             ORDER BY failures DESC, line
             LIMIT ?""";

    /** Problems whose repeats were suppressed listed in the digest; the rest are counted. */
    static final int MAX_REPEAT_GROUPS = 25;
    private static final String REPEATS = """
            SELECT d.problem_key, count(*) AS repeats, p.state, p.first_seen, p.last_notified,
                   count(*) OVER () AS problems, sum(count(*)) OVER () AS total
              FROM phase4_notification_decisions d JOIN phase4_notification_problems p USING (problem_key)
             WHERE d.suppressed AND d.decided_at > now() - interval '24 hours'
             GROUP BY d.problem_key, p.state, p.first_seen, p.last_notified
             ORDER BY repeats DESC, max(d.decided_at) DESC
             LIMIT ?""";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JdbcTemplate jdbc;
    private final Outbox outbox;

    public DailySummary(JdbcTemplate jdbc, Outbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    private static List<String> keywords(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return List.of(MAPPER.readValue(json, String[].class));
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    public long record() {
        Instant now = Instant.now();
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query("SELECT event_type, count(*) FROM phase4_events WHERE occurred_at > now() - interval '24 hours' "
                + "AND event_type <> 'daily_summary' GROUP BY event_type ORDER BY event_type",
                rs -> { counts.put(rs.getString(1), rs.getLong(2)); });
        String summary = counts.isEmpty() ? "No events in the last 24 hours."
                : "Last 24 hours: " + counts.entrySet().stream().map(c -> c.getValue() + " " + c.getKey())
                        .collect(Collectors.joining(", ")) + ".";
        List<Map<String, Object>> unknown = new ArrayList<>();
        long[] groups = {0};
        jdbc.query(UNKNOWN_GROUPS, rs -> {
            Map<String, Object> group = new LinkedHashMap<>();
            String line = rs.getString("line");
            group.put("line", line.isEmpty() ? null : line);
            group.put("failures", rs.getLong("failures"));
            group.put("runs", rs.getLong("runs"));
            group.put("repositories", rs.getLong("repositories"));
            if (rs.getString("pattern") != null) {
                Map<String, Object> rule = new LinkedHashMap<>();
                rule.put("normalised", line);
                rule.put("id", rs.getString("id"));
                rule.put("pattern", rs.getString("pattern"));
                rule.put("keywords", keywords(rs.getString("keywords")));
                group.put("suggestedRule", rule);
            }
            groups[0] = rs.getLong("groups");
            unknown.add(group);
        }, MAX_UNKNOWN_GROUPS);
        if (!unknown.isEmpty()) {
            summary += " Failures no rule recognised: " + groups[0] + (groups[0] == 1 ? " kind" : " kinds")
                    + " by first error line (below, with a suggested rule each).";
        }
        // notify on change, not on repetition: the repeats that were not notified, per problem
        List<Map<String, Object>> repeats = new ArrayList<>();
        long[] repeatTotals = {0, 0};
        jdbc.query(REPEATS, rs -> {
            Map<String, Object> repeat = new LinkedHashMap<>();
            repeat.put("key", rs.getString("problem_key"));
            repeat.put("count", rs.getLong("repeats"));
            repeat.put("state", rs.getString("state"));
            repeat.put("firstSeen", ReportFolders.utc(rs.getTimestamp("first_seen").toInstant()));
            var notified = rs.getTimestamp("last_notified");
            repeat.put("lastNotified", notified == null ? null : ReportFolders.utc(notified.toInstant()));
            repeatTotals[0] = rs.getLong("problems");
            repeatTotals[1] = rs.getLong("total");
            repeats.add(repeat);
        }, MAX_REPEAT_GROUPS);
        if (!repeats.isEmpty()) {
            summary += " Repeats not notified again: " + repeatTotals[1] + " of " + repeatTotals[0]
                    + (repeatTotals[0] == 1 ? " problem" : " problems") + " (below).";
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("date", ReportFolders.jstDate(now).toString());
        payload.put("from", ReportFolders.utc(now.minus(24, ChronoUnit.HOURS)));
        payload.put("to", ReportFolders.utc(now));
        payload.put("counts", counts);
        payload.put("summary", summary);
        if (!unknown.isEmpty()) {
            payload.put("unknownFailures", unknown);
            payload.put("unknownKinds", groups[0]);
        }
        if (!repeats.isEmpty()) {
            payload.put("repeats", repeats);
            payload.put("repeatProblems", repeatTotals[0]);
            payload.put("repeatCount", repeatTotals[1]);
        }
        return outbox.record("daily_summary", null, null, null, payload);
    }
}
