package dev.selfheal.governance;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The KPI targets the governance documents measure against ({@code selfheal.kpi.targets.*}). Shares are 0..1; a
 * value out of range stops start-up naming the property.
 */
@Validated
@ConfigurationProperties("selfheal.kpi.targets")
public record KpiTargets(
        @DecimalMin("0") @DecimalMax("1") double finalSuccessRate,
        @DecimalMin("0") @DecimalMax("1") double healedRate,
        @DecimalMin("0") @DecimalMax("1") double selfHealed24hShare,
        @DecimalMin("0") @DecimalMax("1") double retryEfficacy,
        @DecimalMin("0") @DecimalMax("1") double unknownShareMax,
        @Positive long mttrSecondsMax) {

    public KpiTargets(@DefaultValue("0.95") double finalSuccessRate, @DefaultValue("0.5") double healedRate,
            @DefaultValue("0.5") double selfHealed24hShare, @DefaultValue("0.5") double retryEfficacy,
            @DefaultValue("0.1") double unknownShareMax, @DefaultValue("3600") long mttrSecondsMax) {
        this.finalSuccessRate = finalSuccessRate;
        this.healedRate = healedRate;
        this.selfHealed24hShare = selfHealed24hShare;
        this.retryEfficacy = retryEfficacy;
        this.unknownShareMax = unknownShareMax;
        this.mttrSecondsMax = mttrSecondsMax;
    }
}
