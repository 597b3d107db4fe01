package dev.selfheal.github;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * GitHub answers a rate limit with 403 or 429. It is a rate limit, not a refusal, when the answer carries
 * {@code X-RateLimit-Remaining: 0} or {@code Retry-After}: then the call waits until the reset (as a due time,
 * set by the caller from {@link #RESUME_AT}) and goes on; it is never dead-lettered or counted as an attempt.
 * A 403 without those headers is a permission error.
 */
@Component("gitHubRateLimit")
public class GitHubRateLimit {

    public static final String LIMITED = "githubRateLimited";
    public static final String RESUME_AT = "githubResumeAt";
    // GitHub's advice for a secondary limit that names no time: wait at least a minute
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(GitHubRateLimit.class);

    private final AtomicReference<Instant> pausedUntil = new AtomicReference<>(Instant.EPOCH);
    /** The same pause on System.nanoTime(), which {@link #mayCall} goes by. */
    private final AtomicLong pausedUntilNanos = new AtomicLong(System.nanoTime());
    private final GitHubBudget budget;

    public GitHubRateLimit(GitHubBudget budget) {
        this.budget = budget;
    }

    /** onWhen predicate of routes/error-handling.yaml. */
    public boolean isRateLimit(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (!(e instanceof HttpOperationFailedException http)) {
            return false;
        }
        if (http.getStatusCode() != 403 && http.getStatusCode() != 429) {
            return false;
        }
        RateLimitStatus status = statusOf(http);
        if (status != null && status.exhausted()) {
            return true;
        }
        // a 429 is always a rate limit; so is a 403 whose message says so (secondary limit without headers)
        String body = http.getResponseBody() == null ? "" : http.getResponseBody().toLowerCase();
        return http.getStatusCode() == 429 || body.contains("rate limit");
    }

    /** Handles the rate-limited call: {@link #LIMITED} true, {@link #RESUME_AT} when to try again. */
    public void record(Exchange exchange) {
        HttpOperationFailedException http = exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                HttpOperationFailedException.class);
        RateLimitStatus status = statusOf(http);
        budget.answered(exchange, status, header(http, "X-RateLimit-Resource"), http.getStatusCode(), true);
        Instant now = Instant.now();
        Instant resume = status != null && status.exhausted() ? status.resumeAt() : now.plus(DEFAULT_WAIT);
        if (resume.isBefore(now)) {
            resume = now;
        }
        pausedUntil.accumulateAndGet(resume, (a, b) -> a.isAfter(b) ? a : b);
        // the pause itself is kept on the monotonic clock: a wall clock that jumps meanwhile does not end it early
        // or stretch it
        long resumeNanos = System.nanoTime() + Duration.between(now, resume).toNanos();
        pausedUntilNanos.accumulateAndGet(resumeNanos, (a, b) -> a - b > 0 ? a : b);
        exchange.setProperty(LIMITED, true);
        exchange.setProperty(RESUME_AT, resume);
        exchange.setProperty(GitHubApi.STATUS, http.getStatusCode());
        exchange.getMessage().setBody(null);
        LOG.warn("GitHub rate limit ({}): {} waits until {}", http.getStatusCode(),
                exchange.getProperty(GitHubApi.URL), resume);
    }

    /** Calls of our own initiative (polls) wait until this time. */
    public Instant pausedUntil() {
        return pausedUntil.get();
    }

    public boolean mayCall() {
        return System.nanoTime() - pausedUntilNanos.get() >= 0;
    }

    private static String header(HttpOperationFailedException http, String name) {
        Map<String, String> headers = http.getResponseHeaders();
        return headers == null ? null : headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private static RateLimitStatus statusOf(HttpOperationFailedException http) {
        return http.getResponseHeaders() == null ? null : RateLimitHeaders.read(name -> header(http, name));
    }
}
