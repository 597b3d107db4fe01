package dev.selfheal.killswitch;

import com.zaxxer.hikari.HikariDataSource;
import dev.selfheal.policy.KillSwitchRules;
import dev.selfheal.policy.PolicyFiles;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The automatic conditions of config/phase4-killswitch-rules.json, each read from what Selfheal already records.
 * Route killswitch-conditions asks for the first one met, on its timer and right after each re-run decision (so
 * a storm engages the switch while its re-runs still wait for their due time, before the CI guard's hourly budget
 * is spent).
 */
@Component("killSwitchConditions")
public class KillSwitchConditions {

    /** A condition that is met: its value against its threshold, in words for the log and the notification. */
    public record Met(String id, String type, long value, int threshold, String detail) {
        public String reason() {
            return "automatic condition " + id + " (" + type + "): " + detail + " (" + value + ", threshold "
                    + threshold + ")";
        }
    }

    public static final String MET = "killswitchCondition";

    private final JdbcTemplate jdbc;
    private final PolicyFiles policies;
    private final DataSource dataSource;
    private final KillSwitch killSwitch;
    private final boolean automatic;

    public KillSwitchConditions(JdbcTemplate jdbc, PolicyFiles policies, DataSource dataSource, KillSwitch killSwitch,
            KillSwitchProperties properties) {
        this.killSwitch = killSwitch;
        this.automatic = properties.automatic();
        this.jdbc = jdbc;
        this.policies = policies;
        this.dataSource = dataSource;
    }

    /** The first condition met, in file order, or null (always null with selfheal.killswitch.automatic=false). */
    public Met firstMet() {
        if (!automatic) {
            return null;
        }
        for (KillSwitchRules.Condition c : policies.killSwitchRules().conditions()) {
            Met met = check(c);
            if (met != null) {
                return met;
            }
        }
        return null;
    }

    /** Route step: the condition met engages the switch, the rule as its actor. */
    public KillSwitchState engage(@org.apache.camel.ExchangeProperty(MET) Met met) {
        return killSwitch.engage("rule", met.reason(), "rule " + met.id(), met.id());
    }

    Met check(KillSwitchRules.Condition c) {
        int window = c.windowMinutes() == null ? 60 : c.windowMinutes();
        long value;
        String detail;
        switch (c.type()) {
            case "retry_storm" -> {
                // scheduled, not sent: a storm is seen while its re-runs still wait for their due time
                value = count("SELECT count(*) FROM phase4_retry_history WHERE created_at > now() - make_interval("
                        + "mins => ?)", window);
                detail = "re-runs scheduled in the last " + window + " minutes";
            }
            case "retries_per_hour" -> {
                value = count("SELECT count(*) FROM phase4_retry_history WHERE requested_at > now() - interval '1 hour'");
                detail = "re-runs sent in the last hour";
            }
            case "same_cause_loop" -> {
                int max = policies.retryPolicy().run().maxAttempts();
                long pastMax = count("SELECT count(*) FROM phase4_retry_history WHERE attempt > ? AND created_at > "
                        + "now() - make_interval(mins => ?)", max, window);
                long sameCause = count("""
                        SELECT coalesce(max(n), 0) FROM (
                            SELECT count(*) AS n FROM phase4_metrics
                             WHERE final_failure AND retry_count > 0 AND updated_at > now() - make_interval(mins => ?)
                             GROUP BY repository, workflow_id, failure_category) loops""", window);
                value = pastMax > 0 ? Math.max(sameCause, c.threshold()) : sameCause;
                detail = pastMax > 0 ? pastMax + " re-run(s) past the maximum of " + max
                        : "runs of one workflow re-run and failing again with the same cause in " + window + " minutes";
            }
            case "guard_violations" -> {
                // in a row: the latest re-run decisions of the window, counted back to the first the guard let through
                java.util.List<String> latest = jdbc.queryForList("""
                        SELECT status FROM phase4_retry_history
                         WHERE status IN ('blocked', 'sent', 'succeeded', 'failed', 'dead_letter')
                           AND coalesce(completed_at, requested_at) > now() - make_interval(mins => ?)
                         ORDER BY coalesce(completed_at, requested_at) DESC LIMIT ?""", String.class, window,
                        c.threshold());
                value = latest.stream().takeWhile("blocked"::equals).count();
                detail = "re-runs blocked by the CI guard in a row";
            }
            case "heap_used_percent" -> {
                MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
                value = max <= 0 ? 0 : heap.getUsed() * 100 / max;
                detail = "heap used, percent of its maximum";
            }
            case "db_pool_waiters" -> {
                value = poolWaiters();
                detail = "threads waiting for a database connection";
            }
            case "outbox_backlog" -> {
                value = count("SELECT count(*) FROM phase4_event_deliveries WHERE status = 'pending' AND due_at < "
                        + "now() - make_interval(mins => ?)", window);
                detail = "outbox deliveries overdue by more than " + window + " minutes";
            }
            case "output_failures" -> {
                value = count("SELECT count(*) FROM phase4_notifications WHERE outcome IN ('failed', 'dead_webhook') "
                        + "AND attempted_at > now() - make_interval(mins => ?)", window);
                detail = "Slack/GitHub issue sends that failed in the last " + window + " minutes";
            }
            default -> {
                return null; // "manual": a documented trigger, never met on its own
            }
        }
        return value >= c.threshold() ? new Met(c.id(), c.type(), value, c.threshold(), detail) : null;
    }

    private long poolWaiters() {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
                return hikari.getHikariPoolMXBean() == null ? 0
                        : hikari.getHikariPoolMXBean().getThreadsAwaitingConnection();
            }
        } catch (SQLException e) {
            return 0;
        }
        return 0;
    }

    private long count(String sql, Object... args) {
        Long n = jdbc.queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }
}
