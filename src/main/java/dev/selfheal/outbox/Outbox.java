package dev.selfheal.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.evidence.Sanitizer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes event rows to {@code phase4_events}; a trigger fans each out to the consumers that take its type. Call
 * it inside the transaction that changes the state the event describes. The payload passes the sanitizer.
 */
@Component
public class Outbox {

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Sanitizer sanitizer;

    public Outbox(JdbcTemplate jdbc, ObjectMapper mapper, Sanitizer sanitizer) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.sanitizer = sanitizer;
    }

    /** Returns the event id. */
    public long record(String eventType, String repository, Long runId, Integer runAttempt, Object payload) {
        JsonNode clean = sanitizer.sanitize(mapper.valueToTree(payload));
        String json;
        try {
            json = mapper.writeValueAsString(clean);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event payload is not serializable: " + e.getOriginalMessage(), e);
        }
        Long id = jdbc.queryForObject("""
                INSERT INTO phase4_events (event_type, repository, run_id, run_attempt, payload)
                VALUES (?, ?, ?, ?, CAST(? AS jsonb)) RETURNING id""", Long.class,
                eventType, repository, runId, runAttempt, json);
        return id;
    }
}
