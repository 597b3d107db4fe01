package dev.selfheal.outbox;

import dev.selfheal.routes.ExchangeProperties;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The steps of the {@code outbox-consumer} route template (routes/outbox.yaml): claim a consumer's due events,
 * and when the consumer's route fails on one, try it again after a back-off. Settling a delivery that went well
 * (done, or due again later) is the consumer's own step: only it knows what "delivered" means.
 */
@Component("outboxConsumers")
public class OutboxConsumers {

    /** The claimed event under way, set by the template before the consumer's route runs. */
    public static final String EVENT = ExchangeProperties.OUTBOX_EVENT;

    /** A consumer's route failed on an event (published after the back-off is recorded). */
    public record DeliveryFailed(String consumer, Outbox.Event event, Throwable cause) {
    }

    private final Outbox outbox;
    private final OutboxConsumerProperties properties;
    private final ApplicationEventPublisher events;

    public OutboxConsumers(Outbox outbox, OutboxConsumerProperties properties, ApplicationEventPublisher events) {
        this.outbox = outbox;
        this.properties = properties;
        this.events = events;
    }

    /** Claims one trigger makes at most while its claims come back full; the next trigger takes the rest. */
    public static final int MAX_CLAIMS_PER_TRIGGER = 10;

    public List<Outbox.Event> claim(String consumer) {
        OutboxConsumerProperties.Consumer c = properties.of(consumer);
        return outbox.claim(consumer, c.batchSize(), c.lease());
    }

    /**
     * After a claim (the {@code loopIndex}-th of this trigger, from 0): a full batch means more may be due, so claim
     * again at once instead of waiting for the next trigger, up to {@link #MAX_CLAIMS_PER_TRIGGER} claims.
     */
    public boolean claimAgain(String consumer, List<Outbox.Event> claimed, int loopIndex) {
        return claimed.size() >= properties.of(consumer).batchSize() && loopIndex + 1 < MAX_CLAIMS_PER_TRIGGER;
    }

    /** The one failure policy: the event is due again after the consumer's back-off; nothing is lost. */
    public void retryWithBackoff(String consumer, Outbox.Event event, Throwable cause) {
        if (event == null) {
            return;
        }
        OutboxConsumerProperties.Consumer c = properties.of(consumer);
        outbox.retryWithBackoff(event, consumer, cause, c.retryDelay(), c.maxRetryDelay());
        events.publishEvent(new DeliveryFailed(consumer, event, cause));
    }
}
