package dev.selfheal.detection;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.CoreLoopProperties;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.PostgresBehindProxy;
import dev.selfheal.test.SelfhealTest;
import dev.selfheal.test.TestPolicies;
import java.time.Duration;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The database is down when a failed run's webhook arrives: the delivery is refused at once with a 503 (GitHub
 * shows it as failed, for redelivery, instead of timing out) and nothing half-written stays behind; when the database is back, the poll picks
 * the run up (its watermark did not move) and the run is re-run exactly once.
 */
@SelfhealTest
@ContextConfiguration(initializers = PostgresBehindProxy.class)
class RunSeenDuringDatabaseOutageIsNotLostTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        CoreLoopProperties.register(registry, wm, TestPolicies::fast);
        // the pool's own default: the webhook must not wait it out
        registry.add("spring.datasource.hikari.connection-timeout", () -> "10000");
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ProducerTemplate template;

    @AfterEach
    void databaseBack() throws Exception {
        PostgresBehindProxy.PROXY.open();
    }

    @Test
    void webhookDuringTheOutageIsRefusedAndThePollRecoversTheRun() throws Exception {
        GitHubStandIn github = new GitHubStandIn(wm);
        github.stubRerunAccepted();
        long runId = System.currentTimeMillis() * 10 + 5;
        var run = github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST);
        wm.stubFor(get(urlPathEqualTo("/repos/" + GitHubStandIn.REPO + "/actions/runs"))
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.runsPage(run)))));

        PostgresBehindProxy.PROXY.close();
        long started = System.nanoTime();
        var answer = github.deliverRun(port, run);
        assertThat(answer.statusCode()).as("refused, so GitHub marks the delivery failed").isEqualTo(503);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered before GitHub's 10 s time-out")
                .isLessThan(Duration.ofSeconds(3));
        assertThat(answer.body()).contains("could not be recorded").doesNotContain("Exception");

        PostgresBehindProxy.PROXY.open();
        // the pool's connections from before the outage are dead: the first query may fail while it renews them
        long written = await().atMost(Duration.ofSeconds(40)).ignoreExceptions().until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM phase4_metrics WHERE run_id = ?", Long.class, runId), n -> n != null);
        assertThat(written).as("nothing half-written").isZero();
        template.sendBody("direct:detection-poll-repositories", null);

        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList(
                "SELECT status FROM phase4_retry_history WHERE original_run_id = ?", String.class, runId),
                s -> s.contains("sent"));
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE run_id = ? AND event_type = "
                + "'run_completed'", Long.class, runId)).isEqualTo(1);
    }
}
