package dev.selfheal.audit;

import dev.selfheal.evidence.EvidenceSummaries;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.problems.NotificationProblems;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The audit consumer of the outbox (routes/audit.yaml): writes the ticket and settles the delivery row. A
 * failure (a full disk, an unwritable folder) is the outbox-consumer template's: the event is tried again later.
 * An {@code evidence_collected} event fills the artifacts of its run's tickets. A new ticket regenerates its day's
 * summaries, so {@code PHASE4_AUDIT_SUMMARY.md} lists it at once (it lagged until the next evidence collection).
 */
@Component
public class AuditConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(AuditConsumer.class);

    private final Outbox outbox;
    private final AuditTickets tickets;
    private final EvidenceSummaries summaries;
    private final NotificationProblems problems;

    public AuditConsumer(Outbox outbox, AuditTickets tickets, EvidenceSummaries summaries,
            NotificationProblems problems) {
        this.outbox = outbox;
        this.tickets = tickets;
        this.summaries = summaries;
        this.problems = problems;
    }

    /** Writes the event's ticket, unless the event repeats a problem already ticketed (notify on change). */
    public void ticket(@Body Outbox.Event e) throws IOException {
        if ("evidence_collected".equals(e.type())) {
            tickets.addEvidence(e);
        } else if (!AuditTickets.audited(e) || !problems.suppressed(e)) {
            Path written = tickets.write(e);
            if (written != null) {
                regenerateDayOf(written);
            }
        }
        outbox.done(e.id(), AuditTickets.CONSUMER);
    }

    /** The ticket's JST day folder (…/&lt;date&gt;/audit_tickets/ticket.json) regenerated; a failure only logged. */
    void regenerateDayOf(Path ticket) {
        try {
            LocalDate day = LocalDate.parse(ticket.getParent().getParent().getFileName().toString());
            summaries.regenerate(day.atTime(12, 0).atZone(ReportFolders.JST).toInstant());
        } catch (RuntimeException ex) {
            LOG.warn("audit ticket {} written; its day's summaries not regenerated: {}", ticket.getFileName(),
                    ex.toString());
        }
    }
}
