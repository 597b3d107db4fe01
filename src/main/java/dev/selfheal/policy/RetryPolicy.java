package dev.selfheal.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code config/phase4-retry-policy.json}: what is retried, how often, how long to wait, how failures are classified. */
@JsonIgnoreProperties({"$schema", "description"})
public record RetryPolicy(
        int version,
        Run run,
        Http http,
        Guard guard,
        Map<String, Category> categories,
        List<ClassificationRule> classification) {

    public record Run(int maxAttempts, Backoff backoff) {
    }

    public record Backoff(double initialSeconds, double multiplier, Double maxSeconds) {
    }

    public record Http(Set<Integer> retryStatusCodes, Set<Integer> neverRetryStatusCodes, Boolean retryNetworkTimeouts,
            int maxRedeliveries, long initialDelayMillis, double multiplier) {
    }

    public record Guard(int maxRetriesPerHour, Integer maxSameCauseFailures) {
    }

    public record Category(boolean retry, String risk, String fix) {
    }

    /** First match wins: a rule matches a run's conclusion or a log line (regex). */
    public record ClassificationRule(String id, String category, String pattern, List<String> keywords,
            String conclusion) {
    }

    /**
     * The wait before re-run number {@code attempt} (1-based): initial × multiplier^(attempt-1), capped.
     * With the shipped policy's numbers: 5 s, 10 s, 20 s.
     */
    public Duration backoffBefore(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1, was " + attempt);
        }
        double seconds = run.backoff().initialSeconds() * Math.pow(run.backoff().multiplier(), attempt - 1);
        if (run.backoff().maxSeconds() != null) {
            seconds = Math.min(seconds, run.backoff().maxSeconds());
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    public boolean isRetryable(String category) {
        Category c = categories.get(category);
        return c != null && c.retry();
    }
}
