package dev.selfheal.audit;

import dev.selfheal.outbox.Outbox;
import dev.selfheal.problems.NotificationProblems;
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
    private final NotificationProblems problems;

    public AuditConsumer(Outbox outbox, AuditTickets tickets, NotificationProblems problems) {
        this.outbox = outbox;
        this.tickets = tickets;
        this.problems = problems;
    }

    /** Writes the event's ticket, unless the event repeats a problem already ticketed (notify on change). */
    public void ticket(@Body Outbox.Event e) throws IOException {
        if (!AuditTickets.audited(e) || !problems.suppressed(e)) {
            tickets.write(e);
        }
        outbox.done(e.id(), AuditTickets.CONSUMER);
    }
}
