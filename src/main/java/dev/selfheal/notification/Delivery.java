package dev.selfheal.notification;

import dev.selfheal.outbox.Outbox;
import dev.selfheal.problems.NotificationProblems;
import java.time.Instant;

/**
 * One outbox event on its way through the notification routes: what is planned for each channel and what
 * happened. Held in the exchange property {@link #PROPERTY} between the steps of routes/notification.yaml.
 */
public final class Delivery {

    public static final String PROPERTY = "notificationDelivery";

    public enum IssueMode { NONE, CREATE_OR_COMMENT, COMMENT_ONLY }

    public enum SlackMode { SEND, WAIT, SKIP, DEAD, ALREADY_SENT }

    private final Outbox.Event event;
    IssueMode issueMode = IssueMode.NONE;
    /** Final failures and guard violations always get an issue; other events only when Slack failed. */
    boolean issuePrimary;
    boolean issueFallbackAllowed;
    boolean issueAttempted;
    /**
     * sent, failed, none (nothing to comment on), skipped (no repository), waiting (another instance is writing
     * the same issue) or null (not tried).
     */
    String issueOutcome;
    String issueUrl;
    SlackMode slackMode = SlackMode.SKIP;
    /** sent, failed, rate_limited, dead_webhook or null (not tried). */
    String slackOutcome;
    Instant waitUntil;
    String auditTicket;
    boolean waitingForTicket;
    /** A dead letter of our own GitHub calls: recorded on the notification rows already, not re-notified. */
    boolean ownFailure;
    /** The problem decision (null: the event type has no problem key); suppressed: a repeat, no channel. */
    NotificationProblems.Decision repeat;

    boolean suppressed() {
        return repeat != null && repeat.suppressed();
    }

    public Delivery(Outbox.Event event) {
        this.event = event;
    }

    public Outbox.Event event() {
        return event;
    }

    public String issueUrl() {
        return issueUrl;
    }

    public String auditTicket() {
        return auditTicket;
    }

    public String slackOutcome() {
        return slackOutcome;
    }

    public String issueOutcome() {
        return issueOutcome;
    }
}
