package dev.selfheal.retry;

import dev.selfheal.detection.DetectionEvaluator;
import dev.selfheal.detection.RunSummary;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.outbox.OutboxConsumers;
import dev.selfheal.routes.ExchangeProperties;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * The retry engine's intake: it consumes {@code run_completed} events from the outbox (consumer {@code retry}),
 * so a run handed on by the webhook, the poll or the inbox is evaluated once, also across a crash (the claim's
 * lease runs out and another claim takes it) and with several instances (SKIP LOCKED).
 */
@Component("runEvaluation")
public class RunEvaluation {

    public static final String CONSUMER = "retry";
    public static final String EVENT = OutboxConsumers.EVENT;

    private final Outbox outbox;
    private final DetectionEvaluator detection;

    public RunEvaluation(Outbox outbox, DetectionEvaluator detection) {
        this.outbox = outbox;
        this.detection = detection;
    }

    /** Route step: the claimed event becomes the run under evaluation. */
    public RunSummary begin(Exchange exchange) {
        Outbox.Event event = exchange.getMessage().getBody(Outbox.Event.class);
        RunSummary run = RunSummary.fromPayload(event.payload());
        exchange.setProperty(EVENT, event);
        exchange.setProperty(ExchangeProperties.RUN, run);
        exchange.setProperty(ExchangeProperties.REPOSITORY, run.repository());
        exchange.setProperty(ExchangeProperties.RUN_ID, run.runId());
        exchange.setProperty(ExchangeProperties.RUN_ATTEMPT, run.attempt());
        return run;
    }

    public void done(@ExchangeProperty(EVENT) Outbox.Event event) {
        outbox.done(event.id(), CONSUMER);
    }

    /**
     * The evaluation broke (GitHub down past its redeliveries, a bug): the template has put the event back with
     * a back-off; a database failure also counts for the detection rule on database writes.
     */
    @EventListener
    public void failed(OutboxConsumers.DeliveryFailed failure) {
        if (CONSUMER.equals(failure.consumer()) && failure.cause() instanceof DataAccessException) {
            detection.databaseWriteFailed(failure.cause());
        }
    }
}
