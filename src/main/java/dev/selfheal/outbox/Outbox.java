package dev.selfheal.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.sanitize.Sanitizer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The transactional outbox ({@code phase4_events}). Producers call {@link #record} inside the transaction that
 * changes the state the event describes; a trigger fans each event out to the consumers registered for its type
 * in {@code phase4_event_consumers}. Consumers {@link #claim} due deliveries with a lease (SKIP LOCKED, so a
 * second instance takes other rows; a crash leaves the row to be claimed again when the lease ends), then mark
 * each {@link #done} or {@link #retryAt} a later time. Payloads pass the sanitizer on the way in.
 */
@Component
public class Outbox {

    /** One claimed delivery of an event to a consumer. {@code attempts} counts this claim. */
    public record Event(long id, String type, String repository, Long runId, Integer runAttempt, JsonNode payload,
            Instant occurredAt, int attempts) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Sanitizer sanitizer;

    public Outbox(JdbcTemplate jdbc, ObjectMapper mapper, Sanitizer sanitizer) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.sanitizer = sanitizer;
    }

    /** Writes one event; returns its id. */
    public long record(String eventType, String repository, Long runId, Integer runAttempt, Object payload) {
        JsonNode clean = sanitizer.sanitize(mapper.valueToTree(payload));
        String json;
        try {
            json = mapper.writeValueAsString(clean);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event payload is not serializable: " + e.getOriginalMessage(), e);
        }
        return jdbc.queryForObject("""
                INSERT INTO phase4_events (event_type, repository, run_id, run_attempt, payload)
                VALUES (?, ?, ?, ?, CAST(? AS jsonb)) RETURNING id""", Long.class,
                eventType, repository, runId, runAttempt, json);
    }

    /** Claims up to {@code limit} due deliveries for {@code consumer}, oldest first, for {@code lease}. */
    public List<Event> claim(String consumer, int limit, Duration lease) {
        return jdbc.query("""
                UPDATE phase4_event_deliveries d
                   SET attempts = d.attempts + 1, due_at = now() + make_interval(secs => ?)
                  FROM phase4_events e
                 WHERE e.id = d.event_id
                   AND (d.event_id, d.consumer) IN (
                        SELECT event_id, consumer FROM phase4_event_deliveries
                         WHERE consumer = ? AND status = 'pending' AND due_at <= now()
                         ORDER BY due_at, event_id
                         LIMIT ?
                           FOR UPDATE SKIP LOCKED)
                RETURNING e.id, e.event_type, e.repository, e.run_id, e.run_attempt, e.payload::text,
                          e.occurred_at, d.attempts""",
                this::toEvent, (double) lease.toMillis() / 1000.0, consumer, limit)
                .stream().sorted(Comparator.comparingLong(Event::id)).toList();
    }

    public void done(long eventId, String consumer) {
        jdbc.update("UPDATE phase4_event_deliveries SET status = 'done', done_at = now(), last_error = NULL "
                + "WHERE event_id = ? AND consumer = ?", eventId, consumer);
    }

    /**
     * The delivery failed this time: try again at {@code dueAt}; the error (sanitized) is kept. Only the wait
     * (from this JVM's now to {@code dueAt}) is taken: the due time is set on the database's clock, like every
     * claim compares it, so a JVM clock that is off (or jumps) does not make an event early or late.
     */
    public void retryAt(long eventId, String consumer, Instant dueAt, String error) {
        retryAfter(eventId, consumer, Duration.between(Instant.now(), dueAt), error);
    }

    /** The delivery failed this time: try again after {@code wait} (the database's now + wait). */
    public void retryAfter(long eventId, String consumer, Duration wait, String error) {
        jdbc.update("UPDATE phase4_event_deliveries SET due_at = now() + make_interval(secs => ?), last_error = ? "
                + "WHERE event_id = ? AND consumer = ?", Math.max(0, wait.toMillis()) / 1000.0,
                sanitizer.sanitize(error), eventId, consumer);
    }

    /**
     * The consumer failed on this event (an outage, a bug): try again after an exponential back-off from
     * {@code first}, doubling per attempt, at most {@code max}.
     */
    public void retryWithBackoff(Event event, String consumer, Throwable cause, Duration first, Duration max) {
        long seconds = Math.min(max.toSeconds(), first.toSeconds() << Math.min(event.attempts() - 1, 16));
        retryAfter(event.id(), consumer, Duration.ofSeconds(Math.max(1, seconds)),
                cause == null ? "unknown failure" : cause.toString());
    }

    /** The delivery can never succeed (kept for the audit trail, not retried). */
    public void failed(long eventId, String consumer, String error) {
        jdbc.update("UPDATE phase4_event_deliveries SET status = 'failed', done_at = now(), last_error = ? "
                + "WHERE event_id = ? AND consumer = ?", sanitizer.sanitize(error), eventId, consumer);
    }

    private Event toEvent(ResultSet rs, int row) throws SQLException {
        JsonNode payload;
        try {
            payload = mapper.readTree(rs.getString(6));
        } catch (JsonProcessingException e) {
            throw new SQLException("event " + rs.getLong(1) + " has an unreadable payload", e);
        }
        return new Event(rs.getLong(1), rs.getString(2), rs.getString(3), (Long) rs.getObject(4),
                (Integer) rs.getObject(5), payload, rs.getTimestamp(7).toInstant(), rs.getInt(8));
    }
}
