package dev.selfheal.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The outbox ({@code phase4_events}) as Server-Sent Events: each stream is sent every event after the one it
 * last saw ({@code Last-Event-ID}, so a dropped connection resumes where it stopped), in id order, with the
 * event's id, its type as the SSE event name and the sanitized row as data. One thread polls the table every
 * second for all streams; a comment line every 15 s keeps idle connections open. At most {@link #MAX_STREAMS}
 * streams at once.
 */
@Component
public class EventStream implements DisposableBean {

    static final int MAX_STREAMS = 50;
    static final long TIMEOUT_MS = 30 * 60 * 1000L;
    private static final int BATCH = 200;
    private static final Logger LOG = LoggerFactory.getLogger("selfheal.api");

    private record Stream(SseEmitter emitter, AtomicLong lastId, String keyId) {
    }

    private final JdbcTemplate jdbc;
    private final Sanitizer sanitizer;
    private final ObjectMapper mapper;
    private final Map<SseEmitter, Stream> streams = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "api-event-stream");
        t.setDaemon(true);
        return t;
    });
    private long ticks;

    public EventStream(JdbcTemplate jdbc, Sanitizer sanitizer, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.sanitizer = sanitizer;
        this.mapper = mapper;
        poller.scheduleWithFixedDelay(this::poll, 1, 1, TimeUnit.SECONDS);
    }

    /** A new stream starting after {@code lastEventId} (null: from now on). */
    public SseEmitter open(Long lastEventId, String keyId) {
        if (streams.size() >= MAX_STREAMS) {
            throw new ApiProblem(503, "too-many-streams", "Too many event streams are open; try again later.");
        }
        long start = lastEventId != null ? lastEventId
                : jdbc.queryForObject("SELECT coalesce(max(id), 0) FROM phase4_events", Long.class);
        SseEmitter emitter = new SseEmitter(TIMEOUT_MS);
        Stream stream = new Stream(emitter, new AtomicLong(start), keyId);
        emitter.onCompletion(() -> streams.remove(emitter));
        emitter.onTimeout(() -> streams.remove(emitter));
        emitter.onError(e -> streams.remove(emitter));
        streams.put(emitter, stream);
        LOG.info("event stream opened by key {} after event {}", keyId, start);
        return emitter;
    }

    private void poll() {
        boolean heartbeat = ++ticks % 15 == 0;
        for (Stream stream : List.copyOf(streams.values())) {
            try {
                send(stream, heartbeat);
            } catch (IOException | RuntimeException e) {
                // the client went away: its stream ends here
                streams.remove(stream.emitter());
                stream.emitter().completeWithError(e);
            }
        }
    }

    private void send(Stream stream, boolean heartbeat) throws IOException {
        List<ObjectNode> events = jdbc.query("""
                SELECT id, event_type, repository, run_id, run_attempt, payload, occurred_at FROM phase4_events
                WHERE id > ? ORDER BY id LIMIT ?""", (rs, i) -> {
            ObjectNode n = mapper.createObjectNode();
            n.put("id", rs.getLong("id"));
            n.put("eventType", rs.getString("event_type"));
            n.put("repository", rs.getString("repository"));
            long runId = rs.getLong("run_id");
            n.put("runId", rs.wasNull() ? null : runId);
            int attempt = rs.getInt("run_attempt");
            n.put("runAttempt", rs.wasNull() ? null : attempt);
            try {
                n.set("payload", mapper.readTree(rs.getString("payload")));
            } catch (Exception e) {
                n.put("payload", rs.getString("payload"));
            }
            n.put("occurredAt", rs.getTimestamp("occurred_at").toInstant().toString());
            return n;
        }, stream.lastId().get(), BATCH);
        for (ObjectNode event : events) {
            long id = event.path("id").asLong();
            stream.emitter().send(SseEmitter.event().id(String.valueOf(id)).name(event.path("eventType").asText())
                    .data(sanitizer.sanitize(event).toString(), MediaType.APPLICATION_JSON));
            stream.lastId().set(id);
        }
        if (events.isEmpty() && heartbeat) {
            stream.emitter().send(SseEmitter.event().comment("keep-alive"));
        }
    }

    @Override
    public void destroy() {
        poller.shutdownNow();
        streams.keySet().forEach(SseEmitter::complete);
    }
}
