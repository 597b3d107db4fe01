package dev.selfheal.github;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/** Reads X-RateLimit-* and Retry-After from an answer's headers (a success or a failed call's). */
public final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    /** Null when the answer carries no rate-limit header at all. */
    public static RateLimitStatus read(Function<String, Object> header) {
        String limit = text(header, "X-RateLimit-Limit");
        String remaining = text(header, "X-RateLimit-Remaining");
        String reset = text(header, "X-RateLimit-Reset");
        String retryAfter = text(header, "Retry-After");
        if (limit == null && remaining == null && reset == null && retryAfter == null) {
            return null;
        }
        try {
            return new RateLimitStatus(
                    limit == null ? null : Integer.valueOf(limit.trim()),
                    remaining == null ? null : Integer.valueOf(remaining.trim()),
                    reset == null ? null : Instant.ofEpochSecond(Long.parseLong(reset.trim())),
                    retryAfter == null ? null : Duration.ofSeconds(Long.parseLong(retryAfter.trim())),
                    Instant.now());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(Function<String, Object> header, String name) {
        Object value = header.apply(name);
        if (value == null) {
            value = header.apply(name.toLowerCase());
        }
        return value == null ? null : value.toString();
    }
}
