package dev.selfheal.killswitch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.SelfhealApplication;
import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.TestPolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Engaged state is kept in the database: a service stopped while the switch is engaged starts with actions
 * stopped (the gate closed from the start, re-run dispatch stopped again, the engage verified again), a re-run
 * decided before the stop stays pending past its due time, and goes out once the switch is released.
 */
class KillSwitchSurvivesRestartTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    ConfigurableApplicationContext start(Path config, Path data) {
        return new SpringApplicationBuilder(SelfhealApplication.class).profiles("test").run(
                "--server.port=0", "--spring.datasource.url=" + ExternalPostgres.jdbcUrl(),
                "--spring.datasource.username=postgres", "--selfheal.github.api-url=" + wm.baseUrl(),
                "--selfheal.config-dir=" + config, "--selfheal.data-dir=" + data,
                "--selfheal.github.webhook-secret=" + GitHubStandIn.SECRET,
                "--selfheal.github.repositories=" + GitHubStandIn.REPO, "--selfheal.retry.dispatch-period-ms=100",
                "--selfheal.killswitch.watch-period=200ms", "--selfheal.killswitch.verify-after=500ms");
    }

    @Test
    void serviceStartsWithActionsStoppedWhileEngaged() throws Exception {
        ExternalPostgres.ensureDatabase();
        KillSwitchTest.releaseInDatabase();
        Path config = TestPolicies.fast();
        TestPolicies.edit(config, "phase4-retry-policy.json",
                p -> ((ObjectNode) p.path("run").path("backoff")).put("initialSeconds", 1));
        Path data = Files.createTempDirectory("selfheal-killswitch-restart");
        GitHubStandIn github = new GitHubStandIn(wm);
        github.stubRerunAccepted();
        wm.stubFor(post(urlPathMatching("/repos/.*/actions/runs/\\d+/cancel")).willReturn(aResponse().withStatus(202)));
        long runId = System.currentTimeMillis() * 10 + 5;
        ObjectNode run = github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST);

        ConfigurableApplicationContext first = start(config, data);
        long id;
        try {
            KillSwitch killSwitch = first.getBean(KillSwitch.class);
            id = killSwitch.engage("api", "frozen across a restart", "carol", null).id();
            KillSwitchTest.eventually(() -> killSwitch.state().verification(), v -> v != null);
            github.deliverRun(Integer.parseInt(first.getEnvironment().getProperty("local.server.port")), run);
            JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
            KillSwitchTest.eventually(() -> statuses(jdbc, runId), s -> s.equals(List.of("pending")));
        } finally {
            first.close();
        }

        ConfigurableApplicationContext second = start(config, data);
        try {
            KillSwitch killSwitch = second.getBean(KillSwitch.class);
            JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
            CamelContext camel = second.getBean(CamelContext.class);
            assertThat(killSwitch.engaged()).isTrue();
            assertThat(killSwitch.state().id()).isEqualTo(id);
            assertThat(killSwitch.state().reason()).isEqualTo("frozen across a restart");
            KillSwitchTest.eventually(() -> camel.getRouteController().getRouteStatus("retry-dispatch"),
                    s -> s == ServiceStatus.Stopped);
            KillSwitchTest.eventually(() -> jdbc.queryForObject("SELECT verification FROM phase4_killswitch_log "
                    + "WHERE id = ?", String.class, id), v -> "passed".equals(v));
            Thread.sleep(2_000); // well past the due time
            assertThat(statuses(jdbc, runId)).containsExactly("pending");
            wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));

            killSwitch.release("restart drill over", "carol");
            KillSwitchTest.eventually(() -> statuses(jdbc, runId), s -> s.equals(List.of("sent")));
            wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
            assertThat(camel.getRouteController().getRouteStatus("retry-dispatch")).isEqualTo(ServiceStatus.Started);
        } finally {
            KillSwitchTest.releaseInDatabase();
            second.close();
        }
    }

    static List<String> statuses(JdbcTemplate jdbc, long runId) {
        return jdbc.queryForList("SELECT status FROM phase4_retry_history WHERE original_run_id = ? ORDER BY attempt",
                String.class, runId);
    }
}
