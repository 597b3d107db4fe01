package dev.selfheal.notification;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code selfheal.notification.*}: Slack pacing, how long a notification waits for its audit ticket, the daily
 * summary, the cool-down of a problem's repeats ({@link dev.selfheal.problems.NotificationProblems}). How the outbox is polled and the back-off of a queued notification are
 * {@code selfheal.outbox.notification.*} ({@link dev.selfheal.outbox.OutboxConsumerProperties}).
 */
@ConfigurationProperties("selfheal.notification")
public record NotificationProperties(
        Duration slackMinInterval,
        Duration auditTicketWait,
        int auditTicketMaxWaits,
        String dailySummaryCron,
        Duration repeatCooldown) {

    public NotificationProperties(
            @DefaultValue("1s") Duration slackMinInterval,
            @DefaultValue("2s") Duration auditTicketWait,
            @DefaultValue("3") int auditTicketMaxWaits,
            @DefaultValue("0 0 9 * * ?") String dailySummaryCron,
            @DefaultValue("24h") Duration repeatCooldown) {
        this.slackMinInterval = slackMinInterval;
        this.auditTicketWait = auditTicketWait;
        this.auditTicketMaxWaits = auditTicketMaxWaits;
        this.dailySummaryCron = dailySummaryCron;
        this.repeatCooldown = repeatCooldown;
    }
}
