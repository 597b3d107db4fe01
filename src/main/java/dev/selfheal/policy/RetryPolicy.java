package dev.selfheal.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.nio.file.Path;
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
        List<ClassificationRule> classification,
        Unknown unknown) implements JsonPolicyReader.Checked {

    /** The category of a failure no rule recognised. */
    public static final String UNKNOWN = "unknown";

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

    /**
     * A rule matches a job's conclusion, its steps ({@code steps}, e.g. {@code no_user_step_ran}) or one of its
     * annotation or log lines (regex). Per job, the first matching rule in the file wins, except that a catch-all
     * ({@code catchAll}) only wins when no other rule matched in that job.
     */
    public record ClassificationRule(String id, String category, String pattern, List<String> keywords,
            String conclusion, String steps, Boolean catchAll) {

        /** The steps condition: no step but "Set up job" ran, and GitHub left a job-level failure annotation. */
        public static final String NO_USER_STEP_RAN = "no_user_step_ran";

        public boolean catchAllRule() {
            return Boolean.TRUE.equals(catchAll);
        }
    }

    /** What happens to a failure no rule recognises: {@code never} re-run (default) or re-run {@code once}. */
    public record Unknown(String retry) {

        public boolean retryOnce() {
            return "once".equals(retry);
        }
    }

    @Override
    public void check(Path file) {
        ClassificationRuleCheck.check(file, this);
    }

    /** The unknown-failure option; absent in the file means {@code never}. */
    public Unknown unknownFailures() {
        return unknown == null ? new Unknown("never") : unknown;
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
        if (UNKNOWN.equals(category) && unknownFailures().retryOnce()) {
            return true;
        }
        Category c = categories.get(category);
        return c != null && c.retry();
    }

    /** Re-runs allowed for a failure of this category: an unknown failure re-run {@code once} gets one. */
    public int maxAttemptsFor(String category) {
        return UNKNOWN.equals(category) && unknownFailures().retryOnce()
                ? Math.min(1, run.maxAttempts()) : run.maxAttempts();
    }
}
