package dev.selfheal.killswitch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.sanitize.Sanitizer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The kill switch: one engaged/released state for the whole service, kept as the open row of
 * {@code phase4_killswitch_log} so a restart comes back engaged. {@link #engage} closes the write gate at once
 * (route github-call sends no action write from that moment); the effects (stop the target routes, pause their
 * Quartz triggers, cancel our in-flight re-runs, record, notify) run right after in route killswitch-engaged.
 * {@link #release} reopens the gate and route killswitch-released restores exactly what the engage stopped.
 * Every trigger (MBean, the API, the KILLSWITCH file, an automatic condition) ends here.
 */
@Component("killSwitch")
@DependsOnDatabaseInitialization
public class KillSwitch {

    public static final Set<String> TRIGGERS = Set.of("mbean", "api", "file", "rule", "detection");
    static final int MAX_REASON = 500;
    private static final Logger LOG = LoggerFactory.getLogger("selfheal.killswitch");

    private final JdbcTemplate jdbc;
    private final Sanitizer sanitizer;
    private final ObjectMapper mapper;
    private final ProducerTemplate producer;
    private final PolicyFiles policies;
    private volatile KillSwitchState state;

    public KillSwitch(JdbcTemplate jdbc, Sanitizer sanitizer, ObjectMapper mapper, ProducerTemplate producer,
            PolicyFiles policies) {
        this.jdbc = jdbc;
        this.sanitizer = sanitizer;
        this.mapper = mapper;
        this.producer = producer;
        this.policies = policies;
        // engaged before the stop: the gate is closed from the first exchange of this process
        this.state = load();
        if (state.engaged()) {
            LOG.warn("Kill switch is ENGAGED since {} by {} ({}): actions stay stopped until it is released",
                    state.since(), state.actor(), state.reason());
        }
    }

    public KillSwitchState state() {
        return state;
    }

    public boolean engaged() {
        return state.engaged();
    }

    /**
     * Engaged here, or by another instance on the same database (its open stop row): that instance stopped its own
     * routes; this one holds back its writes until the row is released.
     */
    public boolean engagedAnywhere() {
        return state.engaged() || Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM "
                + "phase4_killswitch_log WHERE action = 'stop' AND released_at IS NULL)", Boolean.class));
    }

    /** Engages the switch for a person (the API, an operator): the trigger {@code api}. */
    public KillSwitchState engage(String reason, String actor) {
        return engage("api", reason, actor, null);
    }

    /**
     * Engages the switch. Already engaged: nothing changes (the first reason stands) and the state is returned.
     * A blank or over-long reason or actor, or an unknown trigger, is refused.
     */
    public synchronized KillSwitchState engage(String trigger, String reason, String actor, String conditionId) {
        String why = checked("reason", reason);
        String who = checked("actor", actor);
        if (!TRIGGERS.contains(trigger)) {
            throw new IllegalArgumentException("unknown kill switch trigger '" + trigger + "'");
        }
        if (state.engaged()) {
            LOG.info("Kill switch engage by {} ({}): already engaged since {} by {}, nothing changed", who, trigger,
                    state.since(), state.actor());
            return state;
        }
        Long id = jdbc.queryForObject("""
                INSERT INTO phase4_killswitch_log (actor, reason, condition_id, target, action, trigger)
                VALUES (?, ?, ?, ?, 'stop', ?) RETURNING id""", Long.class, who, why, conditionId,
                String.join(",", policies.killSwitchRules().targets()), trigger);
        state = load();
        LOG.info("Kill switch ENGAGED by {} ({}{}): {}", who, trigger, conditionId == null ? "" : ", " + conditionId,
                why);
        producer.sendBody("seda:killswitch-engaged", state);
        return state;
    }

    /** Releases the switch; refused when it is not engaged. */
    public synchronized KillSwitchState release(String reason, String actor) {
        String why = checked("reason", reason);
        String who = checked("actor", actor);
        if (!state.engaged()) {
            throw new IllegalStateException("the kill switch is not engaged: nothing to release");
        }
        KillSwitchState was = state;
        jdbc.update("UPDATE phase4_killswitch_log SET released_at = now(), released_by = ?, release_reason = ? "
                + "WHERE id = ?", who, why, was.id());
        state = KillSwitchState.released();
        LOG.info("Kill switch RELEASED by {}: {}", who, why);
        producer.sendBody("seda:killswitch-released", new Release(was, why, who));
        return was;
    }

    /** A release on its way to route killswitch-released: the engagement it ends, why and by whom. */
    public record Release(KillSwitchState engagement, String reason, String actor) {
    }

    /** What the effects stopped, on the row (so a release after a restart restores it too). */
    synchronized void stopped(long id, List<String> routes, List<String> triggers, List<Long> cancelled) {
        try {
            jdbc.update("UPDATE phase4_killswitch_log SET stopped = stopped || CAST(? AS jsonb) WHERE id = ?",
                    mapper.writeValueAsString(java.util.Map.of("routes", routes, "quartzTriggers", triggers,
                            "cancelledRuns", cancelled)), id);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (state.engaged() && state.id() == id) {
            state = state.withStopped(routes, triggers).withCancelled(cancelled);
        }
    }

    /** One in-flight re-run the engage cancelled, added to its row. */
    synchronized void cancelledRun(long id, long runId) {
        jdbc.update("UPDATE phase4_killswitch_log SET stopped = jsonb_set(stopped, '{cancelledRuns}', "
                + "coalesce(stopped->'cancelledRuns', '[]'::jsonb) || to_jsonb(?::bigint)) WHERE id = ?", runId, id);
        if (state.engaged() && state.id() == id) {
            state = load();
        }
    }

    /** One scheduled workflow the engage disabled on GitHub, added to its row (the release enables it again). */
    synchronized void disabledWorkflow(long id, String workflow) {
        jdbc.update("UPDATE phase4_killswitch_log SET stopped = jsonb_set(stopped, '{disabledWorkflows}', "
                + "coalesce(stopped->'disabledWorkflows', '[]'::jsonb) || to_jsonb(?::text)) WHERE id = ?", workflow, id);
    }

    /** The workflows an engagement disabled ({@code owner/repo:workflow}). */
    List<String> disabledWorkflows(long id) {
        return jdbc.queryForList("SELECT jsonb_array_elements_text(coalesce(stopped->'disabledWorkflows', '[]'::jsonb)) "
                + "FROM phase4_killswitch_log WHERE id = ?", String.class, id);
    }

    synchronized void verified(long id, String result) {
        jdbc.update("UPDATE phase4_killswitch_log SET verified_at = now(), verification = ? WHERE id = ?",
                sanitizer.sanitize(result), id);
        if (state.engaged() && state.id() == id) {
            state = load();
        }
    }

    /** After a restart the engage is applied again and verified again. */
    synchronized void unverified(long id) {
        jdbc.update("UPDATE phase4_killswitch_log SET verified_at = NULL, verification = NULL WHERE id = ?", id);
        if (state.engaged() && state.id() == id) {
            state = load();
        }
    }

    private String checked(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a kill switch change needs a " + what);
        }
        String v = value.strip();
        if (v.length() > MAX_REASON) {
            throw new IllegalArgumentException("the " + what + " is longer than " + MAX_REASON + " characters");
        }
        if (v.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
            throw new IllegalArgumentException("the " + what + " holds control characters");
        }
        return sanitizer.sanitize(v);
    }

    private KillSwitchState load() {
        List<KillSwitchState> open = jdbc.query("""
                SELECT id, triggered_at, trigger, reason, actor, condition_id, stopped::text, verification, verified_at
                  FROM phase4_killswitch_log WHERE action = 'stop' AND released_at IS NULL""", this::row);
        return open.isEmpty() ? KillSwitchState.released() : open.get(0);
    }

    private KillSwitchState row(ResultSet rs, int i) throws SQLException {
        JsonNode stopped;
        try {
            stopped = mapper.readTree(rs.getString(7));
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable stopped column of kill switch row " + rs.getLong(1), e);
        }
        List<String> routes = new ArrayList<>();
        stopped.path("routes").forEach(r -> routes.add(r.asText()));
        List<String> triggers = new ArrayList<>();
        stopped.path("quartzTriggers").forEach(r -> triggers.add(r.asText()));
        List<Long> cancelled = new ArrayList<>();
        stopped.path("cancelledRuns").forEach(r -> cancelled.add(r.asLong()));
        Timestamp verifiedAt = rs.getTimestamp(9);
        return new KillSwitchState(true, rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), routes, triggers, cancelled, rs.getString(8),
                verifiedAt == null ? null : verifiedAt.toInstant());
    }
}
