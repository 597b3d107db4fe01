package dev.selfheal.notification;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Every notification attempt and its outcome, twice: a line in {@code logs/notification_log_YYYYMMDD.log} and a
 * row in {@code phase4_notifications}. When the database is unreachable the row waits in a spool file under
 * {@code <data-dir>/spool/} (written atomically, so a restart keeps it) and is inserted by the next poll after
 * the database is back; until then the spool also answers "was this already sent?", so an event claimed again
 * after the outage is not sent twice.
 */
@Component
public class NotificationRecords {

    public record Row(Long eventId, String eventType, String repository, String channel, String outcome,
            Integer httpStatus, String detail, String link, Instant retryAt, Instant attemptedAt) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(NotificationRecords.class);

    private final JdbcTemplate jdbc;
    private final ReportLog log;
    private final Sanitizer sanitizer;
    private final Path spool;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final List<Row> pending = new ArrayList<>();

    public NotificationRecords(JdbcTemplate jdbc, ReportLog log, Sanitizer sanitizer, SelfhealProperties properties) {
        this.jdbc = jdbc;
        this.log = log;
        this.sanitizer = sanitizer;
        this.spool = properties.dataDir().resolve("spool").resolve("notifications.json");
        loadSpool();
    }

    public void record(Long eventId, String eventType, String repository, String channel, String outcome,
            Integer httpStatus, String detail, String link, Instant retryAt) {
        Row row = new Row(eventId, eventType, repository, channel, outcome, httpStatus,
                detail == null ? null : sanitizer.sanitize(detail), link == null ? null : sanitizer.sanitize(link),
                retryAt, Instant.now());
        log.append("notification", "event=" + eventId + " type=" + eventType + " repository=" + repository
                + " channel=" + channel + " outcome=" + outcome + (httpStatus == null ? "" : " status=" + httpStatus)
                + (retryAt == null ? "" : " retry_at=" + retryAt) + (link == null ? "" : " link=" + link)
                + (detail == null ? "" : " detail=" + detail));
        synchronized (this) {
            if (pending.isEmpty()) {
                try {
                    insert(row);
                    return;
                } catch (DataAccessException e) {
                    LOG.warn("Database unreachable: notification row for event {} spooled to {} ({})", eventId,
                            spool, e.getMostSpecificCause().getMessage());
                }
            }
            // rows keep their order: once one waits, the later ones wait behind it
            pending.add(row);
            saveSpool();
        }
    }

    /** Inserts spooled rows, oldest first; stops at the first failure. Returns how many are still waiting. */
    public synchronized int flushSpool() {
        while (!pending.isEmpty()) {
            try {
                insert(pending.get(0));
            } catch (DataAccessException e) {
                return pending.size();
            }
            pending.remove(0);
            saveSpool();
            if (pending.isEmpty()) {
                LOG.info("Database back: every spooled notification row is written");
            }
        }
        return 0;
    }

    /** Whether {@code channel} already took this event (a row in the table or waiting in the spool). */
    public boolean sent(long eventId, String channel) {
        synchronized (this) {
            for (Row r : pending) {
                if (r.eventId() != null && r.eventId() == eventId && r.channel().equals(channel)
                        && r.outcome().equals("sent")) {
                    return true;
                }
            }
        }
        Integer n = jdbc.queryForObject("SELECT count(*) FROM phase4_notifications WHERE event_id = ? AND channel = ? "
                + "AND outcome = 'sent'", Integer.class, eventId, channel);
        return n != null && n > 0;
    }

    /** The link a channel recorded for an event (e.g. the issue URL), or null. */
    public String link(long eventId, String channel) {
        synchronized (this) {
            for (Row r : pending) {
                if (r.eventId() != null && r.eventId() == eventId && r.channel().equals(channel) && r.link() != null) {
                    return r.link();
                }
            }
        }
        List<String> links = jdbc.queryForList("SELECT link FROM phase4_notifications WHERE event_id = ? AND channel = ? "
                + "AND link IS NOT NULL ORDER BY id DESC LIMIT 1", String.class, eventId, channel);
        return links.isEmpty() ? null : links.get(0);
    }

    public synchronized int spooled() {
        return pending.size();
    }

    private void insert(Row r) {
        jdbc.update("""
                INSERT INTO phase4_notifications (event_id, event_type, repository, channel, outcome, http_status,
                                                  detail, link, retry_at, attempted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", r.eventId(), r.eventType(), r.repository(), r.channel(),
                r.outcome(), r.httpStatus(), r.detail(), r.link(), r.retryAt() == null ? null : Timestamp.from(r.retryAt()),
                Timestamp.from(r.attemptedAt()));
    }

    private void loadSpool() {
        if (Files.exists(spool)) {
            try {
                pending.addAll(json.readValue(spool.toFile(), new TypeReference<List<Row>>() { }));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the notification spool " + spool, e);
            }
        }
    }

    private void saveSpool() {
        try {
            AtomicFiles.write(spool, json.writeValueAsBytes(pending));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the notification spool " + spool, e);
        }
    }
}
