package dev.selfheal.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code selfheal.outbox.<consumer>.*}: the settings of each outbox consumer (routes/outbox.yaml instantiates the
 * {@code outbox-consumer} template once per consumer). Values are in application.yaml; tests shorten them.
 */
@ConfigurationProperties("selfheal.outbox")
public record OutboxConsumerProperties(Consumer retry, Consumer notification, Consumer audit, Consumer evidence,
        Consumer rollback) {

    /**
     * How often and how much one consumer claims, how long a claim holds ({@code lease}: a crashed consumer's
     * claim runs out and the event is claimed again), and the back-off after an event failed
     * ({@code retryDelay}, doubling per attempt, at most {@code maxRetryDelay}).
     */
    public record Consumer(Duration pollPeriod, Duration pollDelay, int batchSize, Duration lease,
            Duration retryDelay, Duration maxRetryDelay) {

        /** Back-off before the next try after {@code attempts} tries: retryDelay × 2^(attempts-1), capped. */
        public Duration retryDelayFor(int attempts) {
            long factor = 1L << Math.min(Math.max(attempts - 1, 0), 16);
            Duration d = retryDelay.multipliedBy(factor);
            return d.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : d;
        }
    }

    public Consumer of(String consumer) {
        return switch (consumer) {
            case "retry" -> retry;
            case "notification" -> notification;
            case "audit" -> audit;
            case "evidence" -> evidence;
            case "rollback" -> rollback;
            default -> throw new IllegalArgumentException("no outbox consumer " + consumer);
        };
    }
}
