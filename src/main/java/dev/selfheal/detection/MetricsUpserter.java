package dev.selfheal.detection;

import dev.selfheal.sanitize.Sanitizer;
import java.sql.Timestamp;
import java.time.Instant;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The metrics upserter: writes a run's phase4_metrics row (insert, or update of the same run), takes the row back
 * as the statement left it (RETURNING) and checks it holds what was written, and keeps the history in phase4_metrics_upserts. A delivery of an earlier
 * attempt arriving after a later one (GitHub does not promise order) does not move the row back: it is kept,
 * and the history says so.
 */
@Component
public class MetricsUpserter {

    /** What one upsert did, and whether the row read back afterwards matched. */
    public record Upsert(String action, boolean verified, String detail) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(MetricsUpserter.class);

    private final JdbcTemplate jdbc;
    private final Sanitizer sanitizer;

    public MetricsUpserter(JdbcTemplate jdbc, Sanitizer sanitizer) {
        this.jdbc = jdbc;
        this.sanitizer = sanitizer;
    }

    /** Runs in the caller's transaction (run intake), so the row, its check and its history commit together. */
    public Upsert upsert(RunSummary run) {
        return upsertAll(List.of(run)).get(0);
    }

    /**
     * Upserts many runs' rows at once (what one poll brought), in the caller's transaction: one statement writes
     * them and returns each row as it left it (the read-back; a row kept at a later attempt is read with one more
     * query), one batch keeps the history. The answers are in the order of {@code runs}. The same run twice (two
     * attempts in one batch) goes in two rounds, as a row can be written once per statement.
     */
    public List<Upsert> upsertAll(List<RunSummary> runs) {
        Map<RunSummary, Upsert> answers = new IdentityHashMap<>();
        for (List<RunSummary> round : rounds(runs)) {
            Map<Long, Boolean> inserted = new HashMap<>();
            Map<Long, Map<String, Object>> stored = new HashMap<>();
            write(round, inserted, stored);
            // a row the statement left alone (it holds a later attempt) is read back; the others came back
            // from RETURNING as the statement left them
            Long[] kept = round.stream().map(RunSummary::runId).filter(id -> !stored.containsKey(id))
                    .toArray(Long[]::new);
            if (kept.length > 0) {
                jdbc.query(con -> {
                    PreparedStatement ps = con.prepareStatement("SELECT run_id, run_attempt, conclusion, status, "
                            + "completed_at FROM phase4_metrics WHERE run_id = ANY(?)");
                    ps.setArray(1, con.createArrayOf("bigint", kept));
                    return ps;
                }, rs -> {
                    stored.put(rs.getLong("run_id"), row(rs));
                });
            }
            List<Object[]> history = new ArrayList<>();
            for (RunSummary run : round) {
                Upsert upsert = check(run, inserted.get(run.runId()), stored.get(run.runId()));
                answers.put(run, upsert);
                history.add(new Object[] {run.runId(), run.attempt(), upsert.action(), upsert.verified(),
                    upsert.detail()});
            }
            jdbc.batchUpdate("INSERT INTO phase4_metrics_upserts (run_id, run_attempt, action, verified, detail) "
                    + "VALUES (?, ?, ?, ?, ?)", history);
        }
        return runs.stream().map(answers::get).toList();
    }

    /** Runs split so that no run_id is twice in one round. */
    private static List<List<RunSummary>> rounds(List<RunSummary> runs) {
        List<List<RunSummary>> rounds = new ArrayList<>();
        List<Set<Long>> idsPerRound = new ArrayList<>();
        for (RunSummary run : runs) {
            int i = 0;
            while (i < rounds.size() && idsPerRound.get(i).contains(run.runId())) {
                i++;
            }
            if (i == rounds.size()) {
                rounds.add(new ArrayList<>());
                idsPerRound.add(new HashSet<>());
            }
            rounds.get(i).add(run);
            idsPerRound.get(i).add(run.runId());
        }
        return rounds;
    }

    private static Map<String, Object> row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return Map.of("run_attempt", rs.getInt("run_attempt"),
                "conclusion", Objects.toString(rs.getString("conclusion"), ""),
                "status", Objects.toString(rs.getString("status"), ""),
                "completed_at", Optional.ofNullable(rs.getTimestamp("completed_at")));
    }

    /**
     * One statement for the round: {@code inserted} gets run_id to inserted (true) or updated (false), {@code stored}
     * the row as the statement left it; a run in neither kept a later attempt.
     */
    private void write(List<RunSummary> round, Map<Long, Boolean> inserted, Map<Long, Map<String, Object>> stored) {
        jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement("""
                    INSERT INTO phase4_metrics (run_id, repository, workflow_id, workflow_name, run_attempt, event,
                        actor, head_branch, head_sha, html_url, status, conclusion, run_started_at, completed_at,
                        duration_seconds, final_failure, run_number, queued_seconds)
                    SELECT r.run_id, r.repository, r.workflow_id, r.workflow_name, r.run_attempt, r.event, r.actor,
                           r.head_branch, r.head_sha, r.html_url, r.status, r.conclusion, r.run_started_at,
                           r.completed_at, r.duration_seconds, false, r.run_number, r.queued_seconds
                      FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::integer[], ?::text[], ?::text[],
                                  ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[],
                                  ?::timestamptz[], ?::integer[], ?::integer[], ?::integer[])
                        AS r(run_id, repository, workflow_id, workflow_name, run_attempt, event, actor, head_branch,
                             head_sha, html_url, status, conclusion, run_started_at, completed_at, duration_seconds,
                             run_number, queued_seconds)
                    ON CONFLICT (run_id) DO UPDATE SET
                        run_attempt = EXCLUDED.run_attempt,
                        run_number = coalesce(EXCLUDED.run_number, phase4_metrics.run_number),
                        status = EXCLUDED.status,
                        conclusion = EXCLUDED.conclusion, completed_at = EXCLUDED.completed_at,
                        duration_seconds = EXCLUDED.duration_seconds, workflow_name = EXCLUDED.workflow_name,
                        html_url = EXCLUDED.html_url, final_failure = false, updated_at = now(),
                        queued_seconds = coalesce(phase4_metrics.queued_seconds, EXCLUDED.queued_seconds)
                      WHERE phase4_metrics.run_attempt <= EXCLUDED.run_attempt
                    RETURNING run_id, (xmax = 0) AS inserted, run_attempt, conclusion, status, completed_at
                    """);
            int i = 1;
            ps.setArray(i++, con.createArrayOf("bigint", column(round, RunSummary::runId)));
            ps.setArray(i++, con.createArrayOf("text", column(round, RunSummary::repository)));
            ps.setArray(i++, con.createArrayOf("bigint", column(round, RunSummary::workflowId)));
            ps.setArray(i++, con.createArrayOf("text", column(round, r -> sanitizer.sanitize(r.workflowName()))));
            ps.setArray(i++, con.createArrayOf("integer", column(round, RunSummary::attempt)));
            ps.setArray(i++, con.createArrayOf("text", column(round, RunSummary::event)));
            ps.setArray(i++, con.createArrayOf("text", column(round, r -> sanitizer.sanitize(r.actor()))));
            ps.setArray(i++, con.createArrayOf("text", column(round, r -> sanitizer.sanitize(r.headBranch()))));
            ps.setArray(i++, con.createArrayOf("text", column(round, RunSummary::headSha)));
            ps.setArray(i++, con.createArrayOf("text", column(round, r -> sanitizer.sanitize(r.htmlUrl()))));
            ps.setArray(i++, con.createArrayOf("text", column(round, RunSummary::status)));
            ps.setArray(i++, con.createArrayOf("text", column(round, RunSummary::conclusion)));
            ps.setArray(i++, con.createArrayOf("timestamptz", column(round, r -> ts(r.startedAt()))));
            ps.setArray(i++, con.createArrayOf("timestamptz", column(round, r -> ts(r.completedAt()))));
            ps.setArray(i++, con.createArrayOf("integer", column(round, RunSummary::durationSeconds)));
            ps.setArray(i++, con.createArrayOf("integer", column(round, RunSummary::runNumber)));
            ps.setArray(i, con.createArrayOf("integer", column(round, RunSummary::queuedSeconds)));
            return ps;
        }, rs -> {
            inserted.put(rs.getLong("run_id"), rs.getBoolean("inserted"));
            stored.put(rs.getLong("run_id"), row(rs));
        });
    }

    private static Object[] column(List<RunSummary> round, Function<RunSummary, Object> field) {
        return round.stream().map(field).toArray();
    }

    /** The verify step: the row must now hold this attempt's result, or a later attempt's. */
    private Upsert check(RunSummary run, Boolean inserted, Map<String, Object> row) {
        String action = inserted == null ? "kept_later_attempt" : inserted ? "inserted" : "updated";
        if (row == null) {
            String detail = "no row for run " + run.runId() + " after writing attempt " + run.attempt();
            LOG.warn("Run {}: its metrics row does not hold what was written ({})", run.key(), detail);
            return new Upsert(action, false, detail);
        }
        int stored = (Integer) row.get("run_attempt");
        String detail;
        boolean verified;
        if (inserted == null) {
            verified = stored > run.attempt();
            detail = "attempt " + run.attempt() + " arrived after attempt " + stored + ": the row keeps attempt "
                    + stored;
        } else {
            Instant completed = ((Optional<?>) row.get("completed_at")).map(t -> ((Timestamp) t).toInstant())
                    .orElse(null);
            verified = stored == run.attempt()
                    && Objects.equals(row.get("conclusion"), Objects.toString(run.conclusion(), ""))
                    && Objects.equals(row.get("status"), Objects.toString(run.status(), ""))
                    && Objects.equals(completed, micros(run.completedAt()));
            detail = verified ? null : "read back attempt " + stored + " " + row.get("status") + "/"
                    + row.get("conclusion") + ", wrote attempt " + run.attempt() + " " + run.status() + "/"
                    + run.conclusion();
        }
        if (!verified) {
            LOG.warn("Run {}: its metrics row does not hold what was written ({})", run.key(), detail);
        }
        return new Upsert(action, verified, detail);
    }

    /** PostgreSQL keeps microseconds: a time written with nanoseconds reads back truncated, and is the same time. */
    private static Instant micros(Instant at) {
        return at == null ? null : at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private static Timestamp ts(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }
}
