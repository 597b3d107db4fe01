package dev.selfheal.test;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service with GitHub as a WireMock server and the seed's retry policy with its waits divided by 100
 * (50/100/200 ms). Each test uses its own run ids; rows are looked up by run id.
 */
@SelfhealTest
public abstract class CoreLoopTest {

    @RegisterExtension
    protected static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .build();

    protected static Path config;

    @DynamicPropertySource
    static void coreLoop(DynamicPropertyRegistry registry) {
        CoreLoopProperties.register(registry, wm, TestPolicies::fast);
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcTemplate jdbc;

    protected GitHubStandIn github;

    @BeforeEach
    void standIn() {
        wm.resetAll();
        github = new GitHubStandIn(wm);
    }

    protected static long newRunId() {
        return System.currentTimeMillis() * 10 + (long) (Math.random() * 10);
    }

    protected <T> T eventually(Callable<T> value, java.util.function.Predicate<T> done) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(value, done::test);
    }

    /** The run's events in order, without detections (those depend on every run in the shared database). */
    protected List<String> events(long runId) {
        return jdbc.queryForList("SELECT event_type FROM phase4_events WHERE run_id = ? AND event_type <> 'detection' "
                + "ORDER BY id", String.class, runId);
    }

    /**
     * The retry consumer's delivery of the run's run_completed comes due again, as after a lease that ran out (an
     * instance killed, or a very slow one, between the evaluation and marking it done); returns when that second
     * evaluation is done.
     */
    protected void evaluateAgain(long runId) {
        int reopened = jdbc.update("""
                UPDATE phase4_event_deliveries d SET status = 'pending', due_at = now(), done_at = NULL
                  FROM phase4_events e
                 WHERE e.id = d.event_id AND d.consumer = 'retry' AND e.run_id = ? AND e.event_type = 'run_completed'
                """, runId);
        org.assertj.core.api.Assertions.assertThat(reopened).as("run_completed deliveries reopened").isEqualTo(1);
        eventually(() -> jdbc.queryForObject("""
                SELECT d.status = 'done' AND d.attempts = 2 FROM phase4_event_deliveries d JOIN phase4_events e
                    ON e.id = d.event_id WHERE d.consumer = 'retry' AND e.run_id = ? AND e.event_type = 'run_completed'
                """, Boolean.class, runId), Boolean.TRUE::equals);
    }

    protected List<Map<String, Object>> retries(long runId) {
        return jdbc.queryForList("SELECT attempt, status, category, interval_seconds, http_status, result "
                + "FROM phase4_retry_history WHERE original_run_id = ? ORDER BY attempt", runId);
    }

    protected Map<String, Object> metrics(long runId) {
        return jdbc.queryForMap("SELECT * FROM phase4_metrics WHERE run_id = ?", runId);
    }
}
