package dev.selfheal.audit;

import dev.selfheal.outbox.Outbox;
import java.io.IOException;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;

/**
 * The audit consumer of the outbox (routes/audit.yaml): writes the ticket and settles the delivery row. A
 * failure (a full disk, an unwritable folder) is the outbox-consumer template's: the event is tried again later.
 */
@Component
public class AuditConsumer {

    private final Outbox outbox;
    private final AuditTickets tickets;

    public AuditConsumer(Outbox outbox, AuditTickets tickets) {
        this.outbox = outbox;
        this.tickets = tickets;
    }

    public void ticket(@Body Outbox.Event e) throws IOException {
        if ("evidence_collected".equals(e.type())) {
            tickets.addEvidence(e);
        } else {
            tickets.write(e);
        }
        outbox.done(e.id(), AuditTickets.CONSUMER);
    }
}
