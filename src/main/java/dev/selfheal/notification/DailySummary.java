package dev.selfheal.notification;

import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.ReportFolders;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The daily summary (Quartz, {@code selfheal.notification.daily-summary-cron}): counts of the last 24 hours'
 * events, recorded as a {@code daily_summary} outbox event so it is delivered like any other notification
 * (Slack only, queued while Slack is down).
 */
@Component
public class DailySummary {

    private final JdbcTemplate jdbc;
    private final Outbox outbox;

    public DailySummary(JdbcTemplate jdbc, Outbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
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
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("date", ReportFolders.jstDate(now).toString());
        payload.put("from", ReportFolders.utc(now.minus(24, ChronoUnit.HOURS)));
        payload.put("to", ReportFolders.utc(now));
        payload.put("counts", counts);
        payload.put("summary", summary);
        return outbox.record("daily_summary", null, null, null, payload);
    }
}
