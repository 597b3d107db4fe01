package dev.selfheal.notification;

import dev.selfheal.audit.AuditTickets;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.problems.NotificationProblems;
import dev.selfheal.outbox.OutboxConsumerProperties;
import java.time.Instant;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decides, per outbox event, which channels take it and settles the delivery row afterwards (the steps of
 * routes/notification.yaml). The fallback chain: Slack fails -> GitHub issue; the issue fails too ->
 * the notification log and a row, and the delivery stays queued (a due time, picked up by the next poll).
 * Nothing waits in a thread: Slack pacing, Retry-After and back-off are due times on the delivery row.
 */
@Component
public class NotificationDispatcher {

    public static final String CONSUMER = "notification";
    /** Events that always get an issue (the problem needs a person); the others get one only as fallback. */
    static final Set<String> ISSUE_EVENTS = Set.of("final_failure", "guard_violation", "killswitch");
    /** Success events: Slack only (a recovered run also comments on an open issue). */
    static final Set<String> SUCCESS_EVENTS = Set.of("recovered", "daily_summary");

    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);

    private final Outbox outbox;
    private final NotificationProperties properties;
    private final OutboxConsumerProperties.Consumer consumer;
    private final SlackChannel slack;
    private final NotificationRecords records;
    private final AuditTickets tickets;
    private final boolean githubWritable;
    private final NotificationProblems problems;

    public NotificationDispatcher(Outbox outbox, NotificationProperties properties, SlackChannel slack,
            NotificationRecords records, AuditTickets tickets, dev.selfheal.config.SelfhealProperties selfheal,
            OutboxConsumerProperties consumers, NotificationProblems problems) {
        // without a token every issue call would fail with 401 and queue the notification for ever
        this.githubWritable = selfheal.github().hasCredentials();
        this.outbox = outbox;
        this.properties = properties;
        this.consumer = consumers.notification();
        this.slack = slack;
        this.records = records;
        this.tickets = tickets;
        this.problems = problems;
    }

    /** Rows spooled to a file while the database was down: written now (the database may be back). */
    public void flushSpool() {
        records.flushSpool();
    }

    /** Plans the channels for one claimed event; the body is the event. */
    public void begin(Exchange exchange) {
        Outbox.Event e = exchange.getMessage().getBody(Outbox.Event.class);
        exchange.getMessage().removeHeaders("*");
        Delivery d = new Delivery(e);
        exchange.setProperty(Delivery.PROPERTY, d);
        // our own GitHub calls that failed are on the notification rows already; notifying them would loop
        String route = e.payload().path("route").asText("");
        d.ownFailure = "dead_letter".equals(e.type()) && (route.startsWith("notification-") || route.startsWith("audit-"));
        if (d.ownFailure) {
            return;
        }
        // notify on change, not on repetition: a repeat of a notified problem goes to no channel
        d.repeat = problems.decide(e);
        if (d.suppressed()) {
            return;
        }
        if (AuditTickets.AUDITED_EVENTS.contains(e.type())) {
            d.auditTicket = tickets.linkFor(e.id());
            if (d.auditTicket == null && e.attempts() <= properties.auditTicketMaxWaits()) {
                // give the audit consumer a moment so the message can link its ticket
                d.waitingForTicket = true;
                d.waitUntil = Instant.now().plus(properties.auditTicketWait());
                return;
            }
        }
        boolean hasRepository = githubWritable && e.repository() != null && !e.repository().isBlank();
        d.issuePrimary = ISSUE_EVENTS.contains(e.type()) && hasRepository;
        d.issueFallbackAllowed = !SUCCESS_EVENTS.contains(e.type()) && hasRepository;
        if (d.issuePrimary) {
            d.issueMode = records.sent(e.id(), "github_issue") || records.sent(e.id(), "github_comment")
                    ? Delivery.IssueMode.NONE : Delivery.IssueMode.CREATE_OR_COMMENT;
            if (d.issueMode == Delivery.IssueMode.NONE) {
                d.issueOutcome = "sent";
                d.issueUrl = records.link(e.id(), "github_issue");
                if (d.issueUrl == null) {
                    d.issueUrl = records.link(e.id(), "github_comment");
                }
            }
        } else if ("recovered".equals(e.type()) && hasRepository && !records.sent(e.id(), "github_comment")) {
            d.issueMode = Delivery.IssueMode.COMMENT_ONLY;
        }
        if (!slack.enabled()) {
            d.slackMode = Delivery.SlackMode.SKIP;
        } else if (records.sent(e.id(), "slack")) {
            d.slackMode = Delivery.SlackMode.ALREADY_SENT;
            d.slackOutcome = "sent";
        } else if (slack.deadBecause() != null) {
            d.slackMode = Delivery.SlackMode.DEAD;
            d.slackOutcome = "dead_webhook";
        } else if (slack.nextSlot().isAfter(Instant.now())) {
            d.slackMode = Delivery.SlackMode.WAIT;
            d.waitUntil = slack.nextSlot();
        } else {
            d.slackMode = Delivery.SlackMode.SEND;
        }
    }

    public boolean wantsIssue(@ExchangeProperty(Delivery.PROPERTY) Delivery d) {
        return !d.ownFailure && !d.suppressed() && !ticketWait(d) && d.issueMode != Delivery.IssueMode.NONE;
    }

    public boolean wantsSlack(@ExchangeProperty(Delivery.PROPERTY) Delivery d) {
        return !d.ownFailure && !d.suppressed() && !ticketWait(d) && d.slackMode == Delivery.SlackMode.SEND;
    }

    /** Slack failed for good or for now (not a 429: that one waits) and no issue was tried yet. */
    public boolean wantsFallbackIssue(@ExchangeProperty(Delivery.PROPERTY) Delivery d) {
        boolean slackFailed = "failed".equals(d.slackOutcome) || "dead_webhook".equals(d.slackOutcome);
        return !d.ownFailure && !d.suppressed() && slackFailed && d.issueFallbackAllowed && !d.issueAttempted
                && !records.sent(d.event().id(), "github_issue") && !records.sent(d.event().id(), "github_comment");
    }

    /** Route step when the fallback applies: the issue is created, or the open one commented. */
    public void fallBackToIssue(@ExchangeProperty(Delivery.PROPERTY) Delivery d) {
        d.issueMode = Delivery.IssueMode.CREATE_OR_COMMENT;
    }

    /** Settles the delivery row: done, or due again later; every outcome is on a row and in the day log. */
    public void finish(Exchange exchange) {
        Delivery d = exchange.getProperty(Delivery.PROPERTY, Delivery.class);
        Outbox.Event e = d.event();
        if (d.ownFailure) {
            records.record(e.id(), e.type(), e.repository(), "log", "sent", null,
                    "dead letter of a notification/audit GitHub call, recorded on that notification's rows", null,
                    null);
            outbox.done(e.id(), CONSUMER);
            return;
        }
        if (d.suppressed()) {
            NotificationProblems.Decision r = d.repeat;
            records.record(e.id(), e.type(), e.repository(), "log", "skipped", null, "repeat of problem " + r.key()
                    + " (state " + r.state() + " unchanged, seen " + r.occurrences() + " times, within the cool-down "
                    + problems.cooldown() + "): not notified again; listed in the daily summary's digest",
                    null, null);
            outbox.done(e.id(), CONSUMER);
            return;
        }
        if (ticketWait(d)) {
            outbox.retryAt(e.id(), CONSUMER, d.waitUntil, "waiting for the audit ticket");
            return;
        }
        boolean slackDelivered = "sent".equals(d.slackOutcome);
        boolean issueDelivered = "sent".equals(d.issueOutcome);
        boolean slackWaiting = d.slackMode == Delivery.SlackMode.WAIT || "rate_limited".equals(d.slackOutcome);
        boolean slackTransient = "failed".equals(d.slackOutcome);
        boolean issueFailed = "failed".equals(d.issueOutcome);
        if (slackDelivered || issueDelivered) {
            tickets.addLinks(e.id(), slackDelivered ? "sent " + Instant.now() : null, d.issueUrl);
        }
        if (slackWaiting) {
            outbox.retryAt(e.id(), CONSUMER, d.waitUntil, "Slack asked to wait until " + d.waitUntil);
            return;
        }
        if ("waiting".equals(d.issueOutcome)) {
            Instant again = Instant.now().plusSeconds(10);
            outbox.retryAt(e.id(), CONSUMER, again, "another instance is writing the same GitHub issue; "
                    + "this event comments on it at " + again);
            return;
        }
        if (d.issuePrimary && issueFailed) {
            queue(d, "the GitHub issue could not be created or commented" + (slackDelivered ? " (Slack has it)" : ""));
            return;
        }
        if (slackDelivered || issueDelivered) {
            outbox.done(e.id(), CONSUMER);
            return;
        }
        if (slackTransient || issueFailed) {
            queue(d, "no channel took it: Slack " + d.slackOutcome + ", GitHub issue " + d.issueOutcome);
            return;
        }
        // Slack not configured or dead and no issue possible: the notification log is the last channel
        records.record(e.id(), e.type(), e.repository(), "log", "sent", null, "Slack " + d.slackMode
                + ", GitHub issue " + (d.issueOutcome == null ? "not applicable" : d.issueOutcome) + ": "
                + SlackMessages.title(e) + " - " + SlackMessages.what(e), d.auditTicket, null);
        outbox.done(e.id(), CONSUMER);
    }

    private void queue(Delivery d, String why) {
        Outbox.Event e = d.event();
        Instant due = Instant.now().plus(consumer.retryDelayFor(e.attempts()));
        records.record(e.id(), e.type(), e.repository(), "log", "queued", null, why + "; " + SlackMessages.title(e)
                + " - " + SlackMessages.what(e), d.auditTicket, due);
        outbox.retryAt(e.id(), CONSUMER, due, why);
        LOG.warn("Notification of event {} ({}) queued until {}: {}", e.id(), e.type(), due, why);
    }

    private static boolean ticketWait(Delivery d) {
        return d.waitingForTicket;
    }
}
