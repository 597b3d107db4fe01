package dev.selfheal.kpi;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The KPI window ({@code selfheal.kpi.window-days}, 1..90 JST days) checked at start-up: a bad value stops the
 * service with Spring Boot's binding report naming it, instead of failing every minute in route kpi-rollup.
 */
@Validated
@ConfigurationProperties("selfheal.kpi")
public record KpiSettings(@Min(1) @Max(DashboardData.MAX_DAYS) int windowDays) {

    public KpiSettings(@DefaultValue("7") int windowDays) {
        this.windowDays = windowDays;
    }
}
