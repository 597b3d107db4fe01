package dev.selfheal.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.outbox.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The Slack incoming webhook, called through camel-http (not camel-slack: in webhook mode its producer turns
 * every non-2xx answer into a CamelExchangeException whose only trace of the status, the Retry-After header and
 * the error word is a toString() in the message, and it puts the secret webhook URL into the endpoint URI).
 * Here the URL goes in the CamelHttpUri header of one shared endpoint, and the answer is read as Slack documents
 * it: 200 "ok"; 429 with Retry-After; a dead webhook (invalid_token, channel_not_found, ...) is never retried.
 * Pacing: at most one message per {@code slackMinInterval}; a 429 moves the next slot to after Retry-After.
 */
@Component
public class SlackWebhook {

    /** Slack's answers that mean the webhook will never work again without a person fixing it. */
    static final Set<String> DEAD_ANSWERS = Set.of("invalid_token", "channel_not_found", "channel_is_archived",
            "no_service", "no_service_id", "no_team", "team_disabled", "action_prohibited", "no_active_hooks",
            "invalid_webhook", "team_not_found", "user_not_found", "posting_to_general_channel_denied");

    private static final Logger LOG = LoggerFactory.getLogger(SlackWebhook.class);

    private final String webhookUrl;
    private final Duration minInterval;
    private final SlackMessages messages;
    private final NotificationRecords records;
    private final Outbox outbox;
    private final ObjectMapper mapper;
    private final AtomicReference<Instant> nextSlot = new AtomicReference<>(Instant.EPOCH);
    private final AtomicReference<String> deadBecause = new AtomicReference<>();
    private final AtomicBoolean loggedDisabled = new AtomicBoolean();

    public SlackWebhook(SelfhealProperties properties, NotificationProperties notification, SlackMessages messages,
            NotificationRecords records, Outbox outbox, ObjectMapper mapper) {
        this.webhookUrl = properties.slack().enabled() ? properties.slack().webhookUrl() : null;
        this.minInterval = notification.slackMinInterval();
        this.messages = messages;
        this.records = records;
        this.outbox = outbox;
        this.mapper = mapper;
    }

    public boolean enabled() {
        if (webhookUrl == null && loggedDisabled.compareAndSet(false, true)) {
            LOG.info("selfheal.slack.webhook-url is not set: Slack notifications are skipped (issues and the "
                    + "notification log still get them)");
        }
        return webhookUrl != null;
    }

    /** Why the webhook is dead, or null while it works. */
    public String deadBecause() {
        return deadBecause.get();
    }

    /** When the next message may go out (pacing and Retry-After). */
    public Instant nextSlot() {
        return nextSlot.get();
    }

    /** Sets the body (Block Kit JSON) and the camel-http headers; takes the pacing slot. */
    public void prepare(Exchange exchange) throws JsonProcessingException {
        Delivery delivery = exchange.getProperty(Delivery.PROPERTY, Delivery.class);
        Message in = exchange.getMessage();
        in.removeHeaders("*");
        in.setHeader(Exchange.HTTP_METHOD, "POST");
        in.setHeader(Exchange.HTTP_URI, webhookUrl);
        in.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        in.setBody(mapper.writeValueAsString(messages.build(delivery)));
        nextSlot.accumulateAndGet(Instant.now().plus(minInterval), (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Reads Slack's answer into the delivery and the notification records. */
    public void readAnswer(Exchange exchange) {
        Delivery d = exchange.getProperty(Delivery.PROPERTY, Delivery.class);
        Message in = exchange.getMessage();
        int status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = in.getBody(String.class);
        String answer = body == null ? "" : body.trim();
        if (status == 200) {
            d.slackOutcome = "sent";
            record(d, "sent", status, answer, null);
        } else if (status == 429) {
            Duration wait = retryAfter(in.getHeader("Retry-After", String.class));
            Instant until = Instant.now().plus(wait);
            nextSlot.accumulateAndGet(until, (a, b) -> a.isAfter(b) ? a : b);
            d.slackOutcome = "rate_limited";
            d.waitUntil = until;
            record(d, "rate_limited", status, "Retry-After " + wait.toSeconds() + " s " + answer, until);
        } else if (isDead(status, answer)) {
            d.slackOutcome = "dead_webhook";
            record(d, "dead_webhook", status, answer, null);
            markDead(answer.isEmpty() ? "HTTP " + status : answer, status);
        } else {
            d.slackOutcome = "failed";
            record(d, "failed", status, answer.isEmpty() ? "HTTP " + status : answer, null);
        }
    }

    /** No answer at all (connection refused, time-out): a transient failure. */
    public void unreachable(Exchange exchange) {
        Delivery d = exchange.getProperty(Delivery.PROPERTY, Delivery.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        d.slackOutcome = "failed";
        record(d, "failed", null, cause == null ? "no answer" : cause.toString(), null);
    }

    static boolean isDead(int status, String answer) {
        if (DEAD_ANSWERS.contains(answer)) {
            return true;
        }
        // a webhook URL that no longer exists answers 404 no_service, 410 channel_is_archived, 403 ...
        return (status == 403 || status == 404 || status == 410) && !answer.startsWith("invalid_payload");
    }

    static Duration retryAfter(String header) {
        if (header != null) {
            try {
                return Duration.ofSeconds(Math.max(1, Long.parseLong(header.trim())));
            } catch (NumberFormatException ignored) {
                // an HTTP date is allowed by RFC 9110 but Slack sends seconds; fall through to the default
            }
        }
        return Duration.ofSeconds(1);
    }

    private void markDead(String reason, int status) {
        if (deadBecause.compareAndSet(null, reason)) {
            LOG.error("The Slack webhook is dead ({}): Slack is skipped and notifications fall back to GitHub issues "
                    + "until the webhook is fixed and the service restarted", reason);
            outbox.record("detection", null, null, null, Map.of("ruleId", "slack-webhook-dead",
                    "type", "slack_webhook_dead", "action", "fallback_to_github_issue", "value", status,
                    "detail", "Slack answered " + status + " " + reason + "; notifications go to GitHub issues and "
                            + "the notification log"));
        }
    }

    private void record(Delivery d, String outcome, Integer status, String detail, Instant retryAt) {
        var e = d.event();
        records.record(e.id(), e.type(), e.repository(), "slack", outcome, status, detail, null, retryAt);
    }
}
