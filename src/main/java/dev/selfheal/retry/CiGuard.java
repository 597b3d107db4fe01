package dev.selfheal.retry;

import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.policy.RetryPolicy;
import java.util.Optional;
import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * CI Guard, checked before every re-run is sent (route retry-guard; docs/ops/PHASE4_DESIGN.md, "Core loop"): the
 * per-run maximum, the global re-run budget per hour, never a non-retryable category, never our own retry loop (a
 * workflow whose re-runs keep failing the same way). The defence against retry storms.
 */
@Component("ciGuard")
public class CiGuard {

    /** What was violated: {@code rule} is max_attempts, hourly_budget, non_retryable or retry_loop. */
    public record Violation(String rule, String detail) {
    }

    private final JdbcTemplate jdbc;
    private final RetryPolicy policy;

    public CiGuard(JdbcTemplate jdbc, PolicyFiles policies) {
        this.jdbc = jdbc;
        this.policy = policies.retryPolicy();
    }

    /** Route step of retry-guard: the violation the re-run would commit, or null when it may be sent. */
    public Violation violation(@ExchangeProperty(RetryDispatcher.RETRY) PendingRetry retry) {
        return check(retry).orElse(null);
    }

    public Optional<Violation> check(PendingRetry retry) {
        int max = policy.maxAttemptsFor(retry.category());
        if (retry.attempt() > max) {
            return Optional.of(new Violation("max_attempts", "re-run " + retry.attempt() + " of run "
                    + retry.runId() + " is over the maximum of " + max));
        }
        if (!policy.isRetryable(retry.category())) {
            return Optional.of(new Violation("non_retryable", "category " + retry.category()
                    + " is never re-run (phase4-retry-policy.json)"));
        }
        int budget = policy.guard().maxRetriesPerHour();
        // counted up to the budget only: past it the answer is the same, and the count stays cheap at any volume
        Integer lastHour = jdbc.queryForObject("SELECT count(*) FROM (SELECT 1 FROM phase4_retry_history WHERE "
                + "requested_at > now() - interval '1 hour' AND id <> ? LIMIT ?) sent", Integer.class, retry.id(),
                budget);
        if (lastHour != null && lastHour >= budget) {
            return Optional.of(new Violation("hourly_budget", lastHour + " re-runs sent in the last hour: the "
                    + "budget of " + budget + " per hour is spent"));
        }
        Integer loopLimit = policy.guard().maxSameCauseFailures();
        if (loopLimit != null) {
            // other runs of the same workflow whose re-runs failed the same way within the hour
            Integer sameCause = jdbc.queryForObject("""
                    SELECT count(DISTINCT h.original_run_id) FROM phase4_retry_history h
                      JOIN phase4_metrics m ON m.run_id = h.original_run_id
                     WHERE h.status = 'failed' AND h.result = ? AND h.completed_at > now() - interval '1 hour'
                       AND h.original_run_id <> ?
                       AND (m.repository, m.workflow_id) IN (SELECT repository, workflow_id FROM phase4_metrics
                                                             WHERE run_id = ?)""",
                    Integer.class, retry.category(), retry.runId(), retry.runId());
            if (sameCause != null && sameCause >= loopLimit) {
                return Optional.of(new Violation("retry_loop", sameCause + " other runs of this workflow failed "
                        + "again after a re-run with " + retry.category() + " within the hour: re-running is not "
                        + "healing it"));
            }
        }
        return Optional.empty();
    }
}
