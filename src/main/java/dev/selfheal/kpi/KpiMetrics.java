package dev.selfheal.kpi;

import dev.selfheal.github.GitHubApi;
import dev.selfheal.github.RateLimitStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The {@code selfheal_*} meters at {@code /actuator/prometheus}. Counts come from the same named queries as every
 * other KPI (kpi-queries.sql) and are read when route kpi-rollup runs (every minute), never on a scrape, so a
 * scrape costs the database nothing. Counters are all-time counts of rows (re-runs by category and outcome,
 * decisions, healed runs, notifications); gauges are the outbox backlog, GitHub's remaining rate limit and the
 * rolling window's KPIs; the two latency timers take each new observation once.
 */
@Component
public class KpiMetrics {

    private final MeterRegistry registry;
    private final KpiQueries queries;
    private final GitHubApi github;
    private final int windowDays;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Double> values = new ConcurrentHashMap<>();
    private final AtomicReference<OffsetDateTime> latenciesSince = new AtomicReference<>();

    public KpiMetrics(MeterRegistry registry, KpiQueries queries, GitHubApi github,
            @Value("${selfheal.kpi.window-days:7}") int windowDays) {
        this.registry = registry;
        this.queries = queries;
        this.github = github;
        this.windowDays = windowDays;
        Gauge.builder("selfheal.github.ratelimit.remaining", this, KpiMetrics::rateLimitRemaining)
                .description("GitHub's X-RateLimit-Remaining on its last answer (NaN before the first call)")
                .register(registry);
        Timer.builder("selfheal.webhook.to.decision").description("run_completed event to its retry decision")
                .register(registry);
        Timer.builder("selfheal.decision.to.rerun").description("re-run scheduled to its request to GitHub")
                .register(registry);
    }

    /** Reads every count again (route kpi-rollup, after the rollup). */
    public void refresh() {
        for (Map<String, Object> r : queries.rows("reruns_by_category_outcome", Map.of())) {
            counter("selfheal.reruns", "re-runs scheduled, by failure category and outcome (status)",
                    Tags.of("category", str(r.get("category")), "outcome", str(r.get("outcome"))), r.get("reruns"));
        }
        for (Map<String, Object> r : queries.rows("decisions_by_type", Map.of())) {
            String decision = str(r.get("decision"));
            counter("selfheal.decisions", "decision events, by type", Tags.of("decision", decision),
                    r.get("decisions"));
            if ("recovered".equals(decision)) {
                counter("selfheal.healed", "runs verified recovered after a re-run", Tags.empty(), r.get("decisions"));
            }
        }
        for (Map<String, Object> r : queries.rows("notifications_by_outcome", Map.of())) {
            counter("selfheal.notifications", "notification attempts, by channel and outcome",
                    Tags.of("channel", str(r.get("channel")), "outcome", str(r.get("outcome"))), r.get("attempts"));
        }
        for (Map<String, Object> r : queries.rows("outbox_backlog", Map.of())) {
            gauge("selfheal.outbox.backlog", "outbox deliveries waiting, by consumer",
                    Tags.of("consumer", str(r.get("consumer"))), r.get("pending"));
        }
        KpiWindow window = KpiWindow.endingOn(clock.instant(), windowDays);
        Map<String, Object> all = queries.first("window_summary", window);
        Tags w = Tags.of("window_days", Integer.toString(windowDays));
        for (String kpi : List.of("first_attempt_success_rate", "final_success_rate", "healed_rate",
                "avg_reruns_per_failed_run", "flaky_rate", "unknown_share", "self_healed_24h_share", "mttr_seconds")) {
            gauge("selfheal.kpi." + kpi, "window_summary." + kpi + " over the rolling window", w, all.get(kpi));
        }
        recordLatencies();
    }

    private void recordLatencies() {
        OffsetDateTime since = latenciesSince.get();
        if (since == null) {
            // a restart does not replay history into the timers: they start with what happens from now on
            latenciesSince.set(OffsetDateTime.now(clock).minusMinutes(1));
            return;
        }
        OffsetDateTime newest = since;
        for (Map<String, Object> r : queries.rows("decision_latencies", Map.of("since", since))) {
            String name = "webhook_to_decision".equals(r.get("kind")) ? "selfheal.webhook.to.decision"
                    : "selfheal.decision.to.rerun";
            double seconds = ((Number) r.get("seconds")).doubleValue();
            registry.timer(name).record(Duration.ofMillis(Math.max(0, Math.round(seconds * 1000))));
            OffsetDateTime at = ((java.sql.Timestamp) r.get("at")).toInstant().atOffset(java.time.ZoneOffset.UTC);
            if (at.isAfter(newest)) {
                newest = at;
            }
        }
        latenciesSince.set(newest);
    }

    private void counter(String name, String description, Tags tags, Object value) {
        String key = name + tags;
        if (values.put(key, number(value)) == null) {
            FunctionCounter.builder(name, values, v -> v.getOrDefault(key, 0d)).description(description).tags(tags)
                    .register(registry);
        }
    }

    private void gauge(String name, String description, Tags tags, Object value) {
        String key = name + tags;
        if (values.put(key, number(value)) == null) {
            Gauge.builder(name, values, v -> v.getOrDefault(key, Double.NaN)).description(description).tags(tags)
                    .register(registry);
        }
    }

    private double rateLimitRemaining() {
        RateLimitStatus last = github.lastRateLimit();
        return last == null || last.remaining() == null ? Double.NaN : last.remaining();
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String str(Object value) {
        return value == null ? "" : value.toString();
    }
}
