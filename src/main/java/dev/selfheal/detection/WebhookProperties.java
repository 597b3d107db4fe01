package dev.selfheal.detection;

import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Bounds of {@code POST /webhooks/github} ({@code selfheal.webhook.*}): the largest body (GitHub caps payloads at
 * 25 MB), the most body bytes held in memory by all deliveries being read at once, how long one body may take
 * to arrive, how long the database may take to answer before the delivery gets a 503, and how many signed
 * deliveries may wait to be recorded at once (past that a delivery gets 503 at once rather than an answer later
 * than GitHub's 10 s; the poll finds the run either way).
 */
@Validated
@ConfigurationProperties("selfheal.webhook")
public record WebhookProperties(
        DataSize maxBody,
        DataSize maxBuffered,
        Duration readTimeout,
        Duration databaseTimeout,
        @Positive int maxPending) {

    public WebhookProperties(@DefaultValue("25MB") DataSize maxBody, @DefaultValue("64MB") DataSize maxBuffered,
            @DefaultValue("10s") Duration readTimeout, @DefaultValue("2s") Duration databaseTimeout,
            @DefaultValue("500") int maxPending) {
        this.maxBody = maxBody;
        this.maxBuffered = maxBuffered;
        this.readTimeout = readTimeout;
        this.databaseTimeout = databaseTimeout;
        this.maxPending = maxPending;
    }

    @Positive
    long maxBodyBytes() {
        return maxBody.toBytes();
    }
}
