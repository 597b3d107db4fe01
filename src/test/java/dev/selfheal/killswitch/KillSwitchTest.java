package dev.selfheal.killswitch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.notification.NotificationTestSupport;
import dev.selfheal.test.DayLogs;
import dev.selfheal.test.CoreLoopProperties;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.SelfhealTest;
import dev.selfheal.test.TestPolicies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service with GitHub and Slack as WireMock servers, a re-run back-off of 1 s (time to act while a
 * re-run waits), the notification and audit consumers polling fast, the kill switch's watch every 200 ms and its
 * verification 500 ms after an engage (the data directory is the test's own, from ExternalPostgres). The switch is released after each test (the database is shared).
 */
@SelfhealTest
abstract class KillSwitchTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension slack = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String SLACK_PATH = "/services/T0TEST/B0TEST/killswitchtestpath";
    static final Path CONFIG = TestPolicies.fast();

    static {
        TestPolicies.edit(CONFIG, "phase4-retry-policy.json",
                p -> ((ObjectNode) p.path("run").path("backoff")).put("initialSeconds", 1));
    }

    @DynamicPropertySource
    static void killSwitch(DynamicPropertyRegistry registry) {
        CoreLoopProperties.register(registry, wm, () -> CONFIG);
        NotificationTestSupport.fastConsumers(registry);
        registry.add("selfheal.slack.webhook-url", () -> slack.baseUrl() + SLACK_PATH);
        registry.add("selfheal.killswitch.watch-period", () -> "200ms");
        registry.add("selfheal.killswitch.verify-after", () -> "500ms");
        registry.add("selfheal.killswitch.automatic", () -> "true");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    KillSwitch killSwitch;
    @Autowired
    dev.selfheal.config.SelfhealProperties properties;

    GitHubStandIn github;

    @BeforeAll
    static void noLeftovers() {
        NotificationTestSupport.settleLeftoverDeliveries();
        releaseInDatabase();
    }

    @BeforeEach
    void standIns() {
        wm.resetAll();
        slack.resetAll();
        github = new GitHubStandIn(wm);
        github.stubRerunAccepted();
        wm.stubFor(post(urlPathMatching("/repos/.*/actions/runs/\\d+/cancel")).willReturn(aResponse().withStatus(202)));
        wm.stubFor(get(urlPathMatching("/repos/.*/issues")).willReturn(okJson("[]")));
        wm.stubFor(post(urlPathMatching("/repos/.*/issues")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"number\":7,\"html_url\":\"https://github.com/octo-org/octo-repo/issues/7\"}")));
        slack.stubFor(post(urlPathMatching(".*")).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @AfterEach
    void release() {
        if (killSwitch.engaged()) {
            killSwitch.release("end of test", "test");
        }
        // pending re-runs of this test must not go out in the next test's context
        jdbc.update("UPDATE phase4_retry_history SET status = 'blocked', result = 'test ended' "
                + "WHERE status IN ('pending', 'sending')");
        // and re-runs sent in this test are not in flight for the next test's engage to cancel
        jdbc.update("UPDATE phase4_retry_history SET completed_at = now() WHERE status = 'sent' AND completed_at IS NULL");
    }

    static void releaseInDatabase() {
        dev.selfheal.test.OpenKillSwitch.releaseInDatabase();
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long newRunId() {
        return System.currentTimeMillis() * 10 + (long) (Math.random() * 10);
    }

    static <T> T eventually(Callable<T> value, Predicate<T> done) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(value, done::test);
    }

    static Object invokeMBean(String operation, String reason) throws Exception {
        return ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("dev.selfheal:type=KillSwitch"),
                operation, new Object[] {reason}, new String[] {String.class.getName()});
    }

    static Object mbeanAttribute(String name) throws Exception {
        return ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName("dev.selfheal:type=KillSwitch"),
                name);
    }

    List<String> statuses(long runId) {
        return jdbc.queryForList("SELECT status FROM phase4_retry_history WHERE original_run_id = ? ORDER BY attempt",
                String.class, runId);
    }

    /** The lines of the day's killswitch_log_*.log files. */
    List<String> killSwitchLog() throws IOException {
        return DayLogs.lines(properties.reportsDir(), "killswitch");
    }
}
