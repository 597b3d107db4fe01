package dev.selfheal.github;

import java.time.Duration;
import java.time.Instant;

/**
 * What GitHub said about the rate limit on its last answer. {@code retryAfter} is set for secondary limits and
 * 429s; {@code remaining == 0} with {@code reset} for the primary limit.
 */
public record RateLimitStatus(Integer limit, Integer remaining, Instant reset, Duration retryAfter, Instant seenAt) {

    /** True when the answer says "wait": a 403/429 that carries either signal is a rate limit, not a refusal. */
    public boolean exhausted() {
        return (remaining != null && remaining == 0) || retryAfter != null;
    }

    /** When the next call may go out: Retry-After wins over the primary reset (GitHub's documented order). */
    public Instant resumeAt() {
        if (retryAfter != null) {
            return seenAt.plus(retryAfter);
        }
        if (remaining != null && remaining == 0 && reset != null) {
            return reset;
        }
        return seenAt;
    }
}
