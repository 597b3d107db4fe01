package dev.selfheal.audit;

import dev.selfheal.notification.NotificationProperties;
import dev.selfheal.outbox.Outbox;
import java.time.Instant;
import java.util.List;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The audit consumer of the outbox (routes/audit.yaml): claim, write the ticket, settle the delivery row. */
@Component
public class AuditConsumer {

    private final Outbox outbox;
    private final AuditTickets tickets;
    private final NotificationProperties properties;

    public AuditConsumer(Outbox outbox, AuditTickets tickets, NotificationProperties properties) {
        this.outbox = outbox;
        this.tickets = tickets;
        this.properties = properties;
    }

    public List<Outbox.Event> claim() {
        return outbox.claim(AuditTickets.CONSUMER, properties.batchSize(), properties.lease());
    }

    public void ticket(Exchange exchange) {
        Outbox.Event e = exchange.getMessage().getBody(Outbox.Event.class);
        try {
            tickets.write(e);
            outbox.done(e.id(), AuditTickets.CONSUMER);
        } catch (Exception ex) {
            // a full disk or an unwritable folder: keep the delivery and try again later
            outbox.retryAt(e.id(), AuditTickets.CONSUMER, Instant.now().plus(properties.retryDelayFor(e.attempts())),
                    ex.toString());
        }
    }
}
