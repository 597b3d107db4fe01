package dev.selfheal.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.ManagementLogin;
import dev.selfheal.test.SelfhealTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * /actuator/prometheus on the management port (a login needed) shows the selfheal_* meters with the counts of
 * the rows the test writes: re-runs by category and outcome, decisions, healed runs, notifications, the outbox
 * backlog, GitHub's remaining rate limit, the window's KPIs and the two latency timers.
 */
@SelfhealTest
// Spring Boot's tests turn metrics export off unless asked; the service has it on
@AutoConfigureObservability(tracing = false)
class PrometheusShowsSelfhealMetricsTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    KpiMetrics metrics;
    @LocalManagementPort
    int managementPort;

    @Test
    void selfhealMetricsAreScrapedWithALogin() throws Exception {
        String category = "kpi_prom_" + System.nanoTime();
        KpiSeed seed = new KpiSeed(jdbc);
        metrics.refresh();
        Instant now = Instant.now();
        long run = seed.run("kpi-prom/r", "build", now, 2, "success", category, 1, now, false, 30);
        // a re-run requested 2 s after it was scheduled, and it healed the run
        seed.rerun(run, "kpi-prom/r", 1, category, "succeeded", now.plusSeconds(2));
        seed.rerun(run, "kpi-prom/r", 2, category, "failed", now.plusSeconds(3));
        seed.event("recovered", "kpi-prom/r", run, "{}", now.plusSeconds(60));
        metrics.refresh();

        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpResponse<String> scrape = ManagementLogin.get(managementPort, "/actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        String body = scrape.body();
        assertThat(value(body, "selfheal_reruns_total{category=\"" + category + "\",outcome=\"succeeded\"}")).isEqualTo(1);
        assertThat(value(body, "selfheal_reruns_total{category=\"" + category + "\",outcome=\"failed\"}")).isEqualTo(1);
        assertThat(value(body, "selfheal_decisions_total{decision=\"recovered\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(body, "selfheal_healed_total")).isGreaterThanOrEqualTo(1);
        assertThat(body)
                .contains("selfheal_outbox_backlog{consumer=\"retry\"}")
                .contains("selfheal_github_ratelimit_remaining")
                .contains("selfheal_kpi_final_success_rate{window_days=\"7\"}")
                .contains("selfheal_kpi_healed_rate{window_days=\"7\"}")
                .contains("selfheal_webhook_to_decision_seconds_count")
                .contains("selfheal_decision_to_rerun_seconds_count");
        assertThat(value(body, "selfheal_decision_to_rerun_seconds_count")).isGreaterThanOrEqualTo(2);
        assertThat(value(body, "selfheal_decision_to_rerun_seconds_sum")).isGreaterThanOrEqualTo(2 * 5);
    }

    private static double value(String body, String name) {
        return body.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
