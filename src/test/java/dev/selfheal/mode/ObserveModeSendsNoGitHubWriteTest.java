package dev.selfheal.mode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.notification.NotificationTestSupport;
import dev.selfheal.test.CoreLoopProperties;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.SelfhealTest;
import dev.selfheal.test.TestPolicies;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import javax.management.ObjectName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * selfheal.mode=observe: a transient failure is classified and its re-run decided, and a deterministic failure is
 * declared final, notified on Slack and given an audit ticket, as in act mode; but GitHub receives no write at all
 * (the WireMock journal holds only GETs). The re-run is recorded as "would re-run", the issue as "would create",
 * each in phase4_withheld_writes and counted on the MBean dev.selfheal:type=OperatingMode.
 */
@SelfhealTest
class ObserveModeSendsNoGitHubWriteTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension slack = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void observe(DynamicPropertyRegistry registry) {
        CoreLoopProperties.register(registry, wm, TestPolicies::fast);
        NotificationTestSupport.fastConsumers(registry);
        registry.add("selfheal.slack.webhook-url", () -> slack.baseUrl() + "/services/T0TEST/B0TEST/observepath");
        registry.add("selfheal.mode", () -> "observe");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    static void noLeftovers() {
        NotificationTestSupport.settleLeftoverDeliveries();
        // a kill switch left engaged in the shared database would hold the writes back for its own reason
        dev.selfheal.test.OpenKillSwitch.releaseInDatabase();
    }

    @Test
    void observeRecordsAndNotifiesButSendsNoGitHubWrite() throws Exception {
        GitHubStandIn github = new GitHubStandIn(wm);
        github.stubRerunAccepted();
        wm.stubFor(get(urlPathMatching("/repos/.*/issues")).willReturn(okJson("[]")));
        wm.stubFor(post(urlPathMatching("/repos/.*/issues")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"number\":1,\"html_url\":\"x\"}")));
        slack.stubFor(post(urlPathMatching(".*")).willReturn(aResponse().withStatus(200).withBody("ok")));
        long transientRun = System.currentTimeMillis() * 10 + 1;
        long brokenRun = transientRun + 2;

        github.deliverRun(port, github.stubAttempt(transientRun, 1, "failure", GitHubStandIn.RUNNER_LOST));
        github.deliverRun(port, github.stubAttempt(brokenRun, 1, "failure", GitHubStandIn.TESTS_FAILED));

        // the transient failure: classified and decided as in act, the re-run recorded as what it would have been
        Map<String, Object> retry = eventually(() -> jdbc.queryForList("SELECT status, result, category FROM "
                + "phase4_retry_history WHERE original_run_id = ?", transientRun), r -> r.size() == 1
                && "withheld".equals(r.get(0).get("status"))).get(0);
        assertThat(retry).containsEntry("category", "transient_infrastructure");
        assertThat((String) retry.get("result")).startsWith("would re-run");
        assertThat(jdbc.queryForMap("SELECT withheld_by, method, path, decision FROM phase4_withheld_writes WHERE "
                + "run_id = ?", transientRun)).containsEntry("withheld_by", "observe").containsEntry("method", "POST")
                .containsEntry("path", GitHubStandIn.rerunPath(transientRun)).containsEntry("decision", "would re-run");
        assertThat(jdbc.queryForList("SELECT event_type FROM phase4_events WHERE run_id = ?", String.class,
                transientRun)).contains("failure_classified", "retry_withheld");

        // the deterministic failure: final, on Slack, with its audit ticket; its issue only recorded
        long finalFailure = eventually(() -> jdbc.queryForList("SELECT id FROM phase4_events WHERE run_id = ? AND "
                + "event_type = 'final_failure'", Long.class, brokenRun), ids -> ids.size() == 1).get(0);
        eventually(() -> jdbc.queryForList("SELECT outcome, detail FROM phase4_notifications WHERE event_id = ? AND "
                + "channel = 'github_issue'", finalFailure), rows -> rows.size() == 1)
                .forEach(r -> assertThat(r).containsEntry("outcome", "skipped"));
        eventually(() -> jdbc.queryForObject("SELECT count(*) FROM phase4_notifications WHERE event_id = ? AND "
                + "channel = 'slack' AND outcome = 'sent'", Integer.class, finalFailure), n -> n == 1);
        eventually(() -> jdbc.queryForObject("SELECT count(*) FROM phase4_audit_tickets WHERE event_id = ?",
                Integer.class, finalFailure), n -> n == 1);
        assertThat(jdbc.queryForObject("SELECT failure_category FROM phase4_metrics WHERE run_id = ?", String.class,
                brokenRun)).isEqualTo("deterministic");
        assertThat(slack.findAll(postRequestedFor(urlPathMatching(".*")))).isNotEmpty();

        // not one write reached GitHub
        Thread.sleep(1_000);
        assertThat(github.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.getMethod().getName()).isEqualTo("GET"));
        assertThat(jdbc.queryForList("SELECT decision FROM phase4_withheld_writes WHERE withheld_by = 'observe' AND "
                + "withheld_at > now() - interval '5 minutes'", String.class)).contains("would re-run",
                "would open an issue");
        ObjectName mode = new ObjectName("dev.selfheal:type=OperatingMode");
        assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(mode, "Mode")).isEqualTo("observe");
        assertThat((Long) ManagementFactory.getPlatformMBeanServer().getAttribute(mode, "WithheldWrites"))
                .isGreaterThanOrEqualTo(2L);
    }

    static <T> T eventually(Callable<T> value, Predicate<T> done) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(value, done::test);
    }
}
