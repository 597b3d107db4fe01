package dev.selfheal.notification;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code selfheal.notification.*}: how often the outbox is polled, how long an undeliverable notification waits
 * before the next try, Slack pacing and the daily summary. Defaults suit production; tests shorten them.
 */
@ConfigurationProperties("selfheal.notification")
public record NotificationProperties(
        Duration pollInterval,
        Duration lease,
        int batchSize,
        Duration retryDelay,
        Duration maxRetryDelay,
        Duration slackMinInterval,
        Duration auditTicketWait,
        int auditTicketMaxWaits,
        String auditTicketBaseUrl,
        String dailySummaryCron) {

    public NotificationProperties(
            @DefaultValue("2s") Duration pollInterval,
            @DefaultValue("60s") Duration lease,
            @DefaultValue("10") int batchSize,
            @DefaultValue("30s") Duration retryDelay,
            @DefaultValue("10m") Duration maxRetryDelay,
            @DefaultValue("1s") Duration slackMinInterval,
            @DefaultValue("2s") Duration auditTicketWait,
            @DefaultValue("3") int auditTicketMaxWaits,
            String auditTicketBaseUrl,
            @DefaultValue("0 0 9 * * ?") String dailySummaryCron) {
        this.pollInterval = pollInterval;
        this.lease = lease;
        this.batchSize = batchSize;
        this.retryDelay = retryDelay;
        this.maxRetryDelay = maxRetryDelay;
        this.slackMinInterval = slackMinInterval;
        this.auditTicketWait = auditTicketWait;
        this.auditTicketMaxWaits = auditTicketMaxWaits;
        this.auditTicketBaseUrl = auditTicketBaseUrl;
        this.dailySummaryCron = dailySummaryCron;
    }

    /** Back-off for an event nobody could be told about: retryDelay × 2^(attempts-1), capped. */
    public Duration retryDelayFor(int attempts) {
        long factor = 1L << Math.min(Math.max(attempts - 1, 0), 16);
        Duration d = retryDelay.multipliedBy(factor);
        return d.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : d;
    }
}
