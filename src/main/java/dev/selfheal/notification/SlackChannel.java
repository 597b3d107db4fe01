package dev.selfheal.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.problems.NotificationProblems;
import dev.selfheal.problems.NotificationProblems.SlackThread;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The Slack channel of notifications, called through camel-http: the incoming webhook, or with a bot token the Web
 * API's chat.postMessage, which answers the message's {@code ts} and takes a {@code thread_ts}, so each problem's
 * follow-ups (repeats after the cool-down, recovered) go into the thread of its first message.
 * Not camel-slack: its producer turns every non-2xx answer into an exception whose only trace of the status,
 * Retry-After and error word is a toString(), puts the secret webhook URL into the endpoint URI, and in token mode
 * neither sends thread_ts nor hands back the posted message's ts (camel-slack 4.14), so it cannot thread.
 * Here the URL goes in the CamelHttpUri header of one shared endpoint, and the answer is read as Slack documents
 * it: webhook 200 "ok", Web API 200 {"ok":true,"ts":...}; 429 with Retry-After; a dead webhook or token
 * (invalid_token, invalid_auth, channel_not_found, ...) is never retried.
 * Pacing: at most one message per {@code slackMinInterval}; a 429 moves the next slot to after Retry-After.
 */
@Component
public class SlackChannel {

    /** Slack's answers that mean the webhook will never work again without a person fixing it. */
    static final Set<String> DEAD_ANSWERS = Set.of("invalid_token", "channel_not_found", "channel_is_archived",
            "no_service", "no_service_id", "no_team", "team_disabled", "action_prohibited", "no_active_hooks",
            "invalid_webhook", "team_not_found", "user_not_found", "posting_to_general_channel_denied");

    /** The Web API's errors (chat.postMessage) that need a person: a revoked token, a missing scope or channel. */
    static final Set<String> DEAD_API_ERRORS = Set.of("invalid_auth", "not_authed", "account_inactive",
            "token_revoked", "token_expired", "no_permission", "missing_scope", "channel_not_found", "not_in_channel",
            "is_archived", "restricted_action", "team_access_not_granted", "org_login_required", "ekm_access_denied");

    private static final Logger LOG = LoggerFactory.getLogger(SlackChannel.class);

    private final String webhookUrl;
    private final String botToken;
    private final String channel;
    private final String postMessageUrl;
    private final NotificationProblems problems;
    private final Duration minInterval;
    private final SlackMessages messages;
    private final NotificationRecords records;
    private final Outbox outbox;
    private final ObjectMapper mapper;
    private final AtomicReference<Instant> nextSlot = new AtomicReference<>(Instant.EPOCH);
    private final AtomicReference<String> deadBecause = new AtomicReference<>();
    private final AtomicBoolean loggedDisabled = new AtomicBoolean();

    public SlackChannel(SelfhealProperties properties, NotificationProperties notification, SlackMessages messages,
            NotificationRecords records, Outbox outbox, ObjectMapper mapper, NotificationProblems problems) {
        SelfhealProperties.Slack slack = properties.slack();
        this.botToken = slack.hasBotToken() ? slack.botToken().trim() : null;
        this.channel = botToken == null ? null : slack.channel().trim();
        this.postMessageUrl = botToken == null ? null : slack.apiUrl().toString().replaceAll("/+$", "")
                + "/chat.postMessage";
        this.webhookUrl = botToken == null && slack.enabled() ? slack.webhookUrl() : null;
        this.problems = problems;
        this.minInterval = notification.slackMinInterval();
        this.messages = messages;
        this.records = records;
        this.outbox = outbox;
        this.mapper = mapper;
    }

    public boolean enabled() {
        boolean enabled = webhookUrl != null || botToken != null;
        if (!enabled && loggedDisabled.compareAndSet(false, true)) {
            LOG.info("Neither selfheal.slack.webhook-url nor selfheal.slack.bot-token is set: Slack notifications "
                    + "are skipped (issues and the notification log still get them)");
        }
        return enabled;
    }

    /** Whether messages go through the Web API with a bot token (and so can be threaded). */
    public boolean threaded() {
        return botToken != null;
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
        in.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        in.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        ObjectNode message = messages.build(delivery);
        if (botToken == null) {
            in.setHeader(Exchange.HTTP_URI, webhookUrl);
        } else {
            in.setHeader(Exchange.HTTP_URI, postMessageUrl);
            in.setHeader("Authorization", "Bearer " + botToken);
            message.put("channel", channel);
            message.put("unfurl_links", false);
            SlackThread thread = delivery.repeat == null ? null : problems.slackThread(delivery.repeat.key());
            if (thread != null && thread.channel().equals(channel)) {
                message.put("thread_ts", thread.ts());
                // a change of state (recovered) is also shown in the channel; a repeat stays in the thread
                message.put("reply_broadcast", "recovered".equals(delivery.event().type()));
            }
        }
        in.setBody(mapper.writeValueAsString(message));
        nextSlot.accumulateAndGet(Instant.now().plus(minInterval), (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Reads Slack's answer into the delivery and the notification records. */
    public void readAnswer(Exchange exchange) {
        Delivery d = exchange.getProperty(Delivery.PROPERTY, Delivery.class);
        Message in = exchange.getMessage();
        int status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = in.getBody(String.class);
        String answer = body == null ? "" : body.trim();
        if (botToken != null) {
            readApiAnswer(d, in, status, answer);
            return;
        }
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

    /**
     * chat.postMessage answers 200 with {"ok":true,"channel":...,"ts":...} or {"ok":false,"error":"..."}; 429 with
     * Retry-After when rate limited. The first message of a problem becomes its thread root.
     */
    private void readApiAnswer(Delivery d, Message in, int status, String answer) {
        JsonNode json;
        try {
            json = answer.startsWith("{") ? mapper.readTree(answer) : null;
        } catch (JsonProcessingException notJson) {
            json = null;
        }
        String error = json == null ? "" : json.path("error").asText("");
        if (status == 200 && json != null && json.path("ok").asBoolean(false)) {
            d.slackOutcome = "sent";
            String ts = json.path("ts").asText(null);
            String postedIn = json.path("channel").asText(channel);
            if (d.repeat != null && ts != null) {
                problems.rememberSlackThread(d.repeat.key(), channel, ts);
            }
            record(d, "sent", status, "ts " + ts + " in " + postedIn, null);
        } else if (status == 429 || "ratelimited".equals(error)) {
            Duration wait = retryAfter(in.getHeader("Retry-After", String.class));
            Instant until = Instant.now().plus(wait);
            nextSlot.accumulateAndGet(until, (a, b) -> a.isAfter(b) ? a : b);
            d.slackOutcome = "rate_limited";
            d.waitUntil = until;
            record(d, "rate_limited", status, "Retry-After " + wait.toSeconds() + " s " + error, until);
        } else if (DEAD_API_ERRORS.contains(error) || status == 401 || status == 403 || status == 404) {
            d.slackOutcome = "dead_webhook";
            String reason = error.isEmpty() ? "HTTP " + status : error;
            record(d, "dead_webhook", status, reason, null);
            markDead(reason, status);
        } else {
            d.slackOutcome = "failed";
            record(d, "failed", status, error.isEmpty() ? "HTTP " + status : error, null);
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
            String what = botToken == null ? "webhook" : "bot token or channel";
            LOG.error("The Slack {} is dead ({}): Slack is skipped and notifications fall back to GitHub issues "
                    + "until the {} is fixed and the service restarted", what, reason, what);
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
