package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.test.SelfhealTest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import dev.selfheal.test.CoreLoopProperties;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.TestPolicies;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * CI guard: with the hourly re-run budget spent, the next re-run is blocked, the violation recorded
 * (guard_violation event, row 'blocked') and the run handed to notification as a final failure.
 */
@SelfhealTest
class GuardBlocksRetryStormTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void spentBudget(DynamicPropertyRegistry registry) {
        Path config = TestPolicies.fast();
        TestPolicies.edit(config, "phase4-retry-policy.json",
                p -> ((ObjectNode) p.path("guard")).put("maxRetriesPerHour", 0));
        CoreLoopProperties.register(registry, wm, () -> config);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void spentBudgetBlocksTheRerunAndRecordsTheViolation() {
        long runId = System.currentTimeMillis() * 10 + 3;
        GitHubStandIn github = new GitHubStandIn(wm);
        github.stubRerunAccepted();

        github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));

        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList("SELECT event_type FROM phase4_events "
                + "WHERE run_id = ?", String.class, runId), e -> e.contains("guard_violation")
                && e.contains("final_failure"));
        wm.verify(0, postRequestedFor(urlPathMatching(".*/rerun-failed-jobs")));
        assertThat(jdbc.queryForList("SELECT status, result FROM phase4_retry_history WHERE original_run_id = ?",
                runId)).singleElement().satisfies(r -> {
            assertThat(r).containsEntry("status", "blocked");
            assertThat((String) r.get("result")).startsWith("guard: hourly_budget");
        });
        assertThat(jdbc.queryForObject("SELECT payload->>'rule' FROM phase4_events WHERE run_id = ? "
                + "AND event_type = 'guard_violation'", String.class, runId)).isEqualTo("hourly_budget");
        assertThat(jdbc.queryForMap("SELECT final_failure, risk_level FROM phase4_metrics WHERE run_id = ?", runId))
                .containsEntry("final_failure", true).containsEntry("risk_level", "high");
        wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
    }
}
