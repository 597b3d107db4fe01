package dev.selfheal.detection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.routes.ExchangeProperties;
import dev.selfheal.sanitize.Sanitizer;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Where every completed run enters, whoever saw it (webhook, poll, inbox): the run's metrics row is upserted and
 * a {@code run_completed} event written, in one transaction; the retry engine takes it from the outbox.
 */
@Component("runIntake")
public class RunIntake {

    public static final String RUN = "run";

    private final JdbcTemplate jdbc;
    private final Outbox outbox;
    private final ObjectMapper mapper;
    private final ReportLog reportLog;
    private final Sanitizer sanitizer;

    private final MetricsUpserter upserter;

    public RunIntake(JdbcTemplate jdbc, Outbox outbox, ObjectMapper mapper, ReportLog reportLog, Sanitizer sanitizer,
            MetricsUpserter upserter) {
        this.upserter = upserter;
        this.sanitizer = sanitizer;
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.mapper = mapper;
        this.reportLog = reportLog;
    }

    /** Route step: parses the body (a workflow_run object) into {@link #RUN}, repository and runId. */
    public void parse(Exchange exchange) throws JsonProcessingException {
        Object body = exchange.getMessage().getBody();
        JsonNode node = body instanceof JsonNode j ? j : mapper.readTree(exchange.getMessage().getBody(String.class));
        RunSummary run = RunSummary.from(node, exchange.getProperty(ExchangeProperties.REPOSITORY, String.class));
        exchange.setProperty(RUN, run);
        exchange.setProperty(ExchangeProperties.REPOSITORY, run.repository());
        exchange.setProperty(ExchangeProperties.RUN_ID, run.runId());
    }

    /** The idempotency key of the parsed run: its attempt, or unique for an operator's reprocess request. */
    public String key(@ExchangeProperty(RUN) RunSummary run, Exchange exchange) {
        // an operator's reprocess request (inbox) is handled again even when the attempt was seen before
        if (exchange.getProperty("reprocess", false, Boolean.class)) {
            return run.key() + "#reprocess#" + exchange.getExchangeId();
        }
        return run.key();
    }

    @Transactional
    public long record(Exchange exchange) {
        RunSummary run = exchange.getProperty(RUN, RunSummary.class);
        MetricsUpserter.Upsert upsert = upserter.upsert(run);
        long eventId = outbox.record("run_completed", run.repository(), run.runId(), run.attempt(), run.payload());
        logRecorded(run, exchange.getProperty("seenBy", "?", String.class), upsert);
        return eventId;
    }

    /**
     * Route step of the poll: a repository's new runs (the body, workflow_run objects) recorded together, in one
     * transaction: the once-per-attempt keys claimed in one statement (the keys the webhook and the inbox use),
     * the metrics rows written and read back in one statement each, and a {@code run_completed} event for each run
     * not seen before. Returns those runs (the retry consumer evaluates the detection rules for each).
     */
    @Transactional
    public List<RunSummary> recordPolled(@Body List<JsonNode> polled,
            @ExchangeProperty(ExchangeProperties.REPOSITORY) String repository) {
        List<RunSummary> runs = polled.stream().map(node -> RunSummary.from(node, repository)).toList();
        if (runs.isEmpty()) {
            return List.of();
        }
        String[] keys = runs.stream().map(RunSummary::key).toArray(String[]::new);
        Set<String> claimed = new HashSet<>();
        jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement("INSERT INTO camel_messageprocessed (processorName, "
                    + "messageId, createdAt) SELECT ?, k, now() FROM unnest(?::text[]) AS k "
                    + "ON CONFLICT DO NOTHING RETURNING messageId");
            ps.setString(1, IdempotentRepositories.RUN_ATTEMPTS);
            ps.setArray(2, con.createArrayOf("text", keys));
            return ps;
        }, rs -> {
            claimed.add(rs.getString(1));
        });
        List<RunSummary> fresh = runs.stream().filter(r -> claimed.remove(r.key())).toList();
        if (fresh.isEmpty()) {
            return List.of();
        }
        List<MetricsUpserter.Upsert> upserts = upserter.upsertAll(fresh);
        for (int i = 0; i < fresh.size(); i++) {
            RunSummary run = fresh.get(i);
            outbox.record("run_completed", run.repository(), run.runId(), run.attempt(), run.payload());
            logRecorded(run, "poll", upserts.get(i));
        }
        return fresh;
    }

    private void logRecorded(RunSummary run, String seenBy, MetricsUpserter.Upsert upsert) {
        reportLog.append("detection", "run " + run.key() + " " + run.workflowName() + " completed: "
                + run.conclusion() + " (seen by " + seenBy + "; metrics row " + upsert.action()
                + (upsert.verified() ? ", read back" : ", READ BACK DIFFERS: " + upsert.detail()) + ")");
    }

    static Timestamp ts(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }
}
