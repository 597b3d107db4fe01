package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.selfheal.test.CoreLoopProperties;
import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.PostgresBehindProxy;
import dev.selfheal.test.SelfhealTest;
import dev.selfheal.test.TestPolicies;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The database goes away while GitHub is answering a re-run POST (accepted, 201): the re-run is not lost and not
 * sent again. Its record waits in memory and is written by the first dispatch tick after the database is back,
 * within seconds, not after the 10-minute sending lease and a reconcile.
 */
@SelfhealTest
@ContextConfiguration(initializers = PostgresBehindProxy.class)
class RerunAcceptedDuringDatabaseOutageIsRecordedOnceTest {

    /** Closes the database's proxy the moment the re-run POST reaches GitHub (once). */
    static final class OutageOnRerun implements StubRequestFilterV2 {
        final AtomicBoolean done = new AtomicBoolean();

        @Override
        public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
            if (request.getUrl().endsWith("/rerun-failed-jobs") && done.compareAndSet(false, true)) {
                PostgresBehindProxy.PROXY.close();
            }
            return RequestFilterAction.continueWith(request);
        }

        @Override
        public String getName() {
            return "outage-on-rerun";
        }
    }

    static final OutageOnRerun OUTAGE = new OutageOnRerun();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()
            .extensions(OUTAGE)).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        CoreLoopProperties.register(registry, wm, TestPolicies::fast);
    }

    @LocalServerPort
    int port;

    /** Straight to the server, not through the proxy the test closes. */
    final JdbcTemplate direct = new JdbcTemplate(new DriverManagerDataSource(ExternalPostgres.jdbcUrl(), "postgres",
            ""));

    @AfterEach
    void databaseBack() throws Exception {
        PostgresBehindProxy.PROXY.open();
    }

    @Test
    void theAcceptedRerunIsRecordedWhenTheDatabaseIsBack() throws Exception {
        GitHubStandIn github = new GitHubStandIn(wm);
        long runId = System.currentTimeMillis() * 10 + 7;
        // GitHub takes a second to answer: the outage has begun when Selfheal records the answer
        wm.stubFor(post(urlPathEqualTo(GitHubStandIn.rerunPath(runId))).atPriority(1)
                .willReturn(aResponse().withStatus(201).withFixedDelay(1_000)));
        github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));

        await().atMost(Duration.ofSeconds(30)).until(OUTAGE.done::get);
        // the database stays away for a few dispatch ticks
        Thread.sleep(4_000);
        assertThat(status(runId)).as("not recorded during the outage").isEqualTo("sending");
        PostgresBehindProxy.PROXY.open();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "sent".equals(status(runId)));
        Thread.sleep(1_000);
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
        assertThat(direct.queryForObject("SELECT count(*) FROM phase4_events WHERE run_id = ? AND event_type = "
                + "'retry_sent'", Long.class, runId)).isEqualTo(1);
        assertThat(direct.queryForObject("SELECT http_status FROM phase4_retry_history WHERE original_run_id = ?",
                Integer.class, runId)).isEqualTo(201);
    }

    private String status(long runId) {
        return direct.queryForList("SELECT status FROM phase4_retry_history WHERE original_run_id = ?", String.class,
                runId).stream().findFirst().orElse(null);
    }
}
