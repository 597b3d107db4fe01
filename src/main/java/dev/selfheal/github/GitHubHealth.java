package dev.selfheal.github;

import dev.selfheal.config.SelfhealProperties;
import java.time.Instant;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} → {@code github}: without a token the routes that call GitHub on their own stay
 * stopped and this says why (UNKNOWN, so the service itself stays UP for its webhook and evidence); with one,
 * the last rate-limit answer and whether polls are paused for it.
 */
@Component("github")
public class GitHubHealth implements HealthIndicator {

    private final SelfhealProperties properties;
    private final GitHubApi api;
    private final GitHubRateLimit rateLimit;

    public GitHubHealth(SelfhealProperties properties, GitHubApi api, GitHubRateLimit rateLimit) {
        this.properties = properties;
        this.api = api;
        this.rateLimit = rateLimit;
    }

    @Override
    public Health health() {
        if (!properties.github().hasCredentials()) {
            return Health.unknown()
                    .withDetail("reason", "neither selfheal.github.token nor selfheal.github.app-id is set: polling and self-triggers stay stopped, "
                            + "re-runs cannot be requested")
                    .withDetail("apiUrl", properties.github().apiUrl().toString()).build();
        }
        Health.Builder health = Health.up().withDetail("apiUrl", properties.github().apiUrl().toString())
                .withDetail("repositories", properties.github().repositories().size())
                .withDetail("cachedEtags", api.cachedUrls());
        RateLimitStatus last = api.lastRateLimit();
        // GitHub sends some of the rate-limit headers on some answers only
        if (last != null && last.remaining() != null) {
            health.withDetail("rateLimitRemaining", last.remaining());
        }
        if (last != null && last.reset() != null) {
            health.withDetail("rateLimitReset", last.reset().toString());
        }
        if (rateLimit.pausedUntil().isAfter(Instant.now())) {
            health.withDetail("pausedUntil", rateLimit.pausedUntil().toString());
        }
        return health.build();
    }
}
