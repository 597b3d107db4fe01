package dev.selfheal.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * REST API v1 ({@code selfheal.api.*}): the bootstrap admin key ({@code SELFHEAL_API_BOOTSTRAP_KEY}, stored
 * hashed at start), requests per minute per key and per client address, and the largest request body.
 */
@Validated
@ConfigurationProperties("selfheal.api")
public record ApiProperties(
        String bootstrapKey,
        @Min(1) int perKeyPerMinute,
        @Min(1) int perIpPerMinute,
        DataSize maxBody,
        @Min(1) @Max(1000) int maxPageSize) {

    public ApiProperties(String bootstrapKey, @DefaultValue("600") int perKeyPerMinute,
            @DefaultValue("300") int perIpPerMinute, @DefaultValue("1MB") DataSize maxBody,
            @DefaultValue("100") int maxPageSize) {
        this.bootstrapKey = bootstrapKey;
        this.perKeyPerMinute = perKeyPerMinute;
        this.perIpPerMinute = perIpPerMinute;
        this.maxBody = maxBody;
        this.maxPageSize = maxPageSize;
    }

    public boolean hasBootstrapKey() {
        return bootstrapKey != null && !bootstrapKey.isBlank();
    }
}
