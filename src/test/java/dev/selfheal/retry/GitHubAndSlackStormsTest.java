package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.selfheal.notification.NotificationTestSupport;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.test.CoreLoopProperties;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.SelfhealTest;
import dev.selfheal.test.TestPolicies;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * GitHub and Slack answer 500/502/503 for several seconds (much longer than the three HTTP redeliveries of one
 * call), then recover. Nothing that GitHub's trouble caused is decided for good: a run whose jobs GitHub could not
 * list is classified once GitHub answers (not "unknown", not a final failure), a re-run whose POST met the storm
 * waits with a back-off on its row (no thread sleeps) and is sent once after it, a secondary rate limit (403 with
 * Retry-After) is waited out; no re-run row is dead-lettered, no run declared a final failure, and each Slack
 * message is sent exactly once when Slack is back.
 */
@SelfhealTest
class GitHubAndSlackStormsTest {

    static final Duration STORM = Duration.ofSeconds(8);
    static final String SLACK_PATH = "/services/T0TEST/B0TEST/storm";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static WireMockExtension slack = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        CoreLoopProperties.register(registry, wm, TestPolicies::fast);
        registry.add("selfheal.slack.webhook-url", () -> slack.baseUrl() + SLACK_PATH);
        NotificationTestSupport.fastConsumers(registry);
        // the retry consumer's back-off after an evaluation GitHub could not answer: short, so the test is too
        registry.add("selfheal.outbox.retry.retry-delay", () -> "1s");
        registry.add("selfheal.outbox.retry.max-retry-delay", () -> "2s");
    }

    @BeforeAll
    static void settle() {
        NotificationTestSupport.settleLeftoverDeliveries();
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Outbox outbox;

    GitHubStandIn github;

    @BeforeEach
    void standIn() {
        wm.resetAll();
        slack.resetAll();
        github = new GitHubStandIn(wm);
        // Slack is up unless a test storms it (a 404 would mark the webhook dead for the whole context)
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        // no open issue to comment on; a final failure's issue is created
        wm.stubFor(get(urlPathMatching("/repos/.*/issues")).willReturn(okJson("[]")));
        wm.stubFor(post(urlPathMatching("/repos/.*/issues")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"number\":7,\"html_url\":\"https://github.com/octo-org/octo-repo/issues/7\"}")));
    }

    @Test
    void gitHubStormDelaysClassificationAndRerunsButDecidesNothingForGood() {
        long base = System.currentTimeMillis() * 10;
        long listedDuringStorm = base + 1;
        long rerunDuringStorm = base + 2;
        long secondaryLimit = base + 3;
        github.stubRerunAccepted();
        List<StubMapping> storm = new ArrayList<>();
        // the storm: the jobs of one run, the re-run POST of another (500, 502, 503 in turn)
        storm.add(wm.stubFor(get(urlPathMatching("/repos/" + GitHubStandIn.REPO + "/actions/runs/"
                + listedDuringStorm + "/attempts/1/jobs")).atPriority(1).willReturn(aResponse().withStatus(502)
                .withBody("<html>502 Bad Gateway</html>"))));
        storm.addAll(rotating(wm, GitHubStandIn.rerunPath(rerunDuringStorm), "rerun", 500, 502, 503));
        // GitHub's secondary rate limit: 403 with Retry-After (not a permission error), then accepted
        github.stubRerunWaitThenAccept(secondaryLimit, 403, 2, "You have exceeded a secondary rate limit. Please wait "
                + "a few minutes before you try again.");

        long[] runs = {listedDuringStorm, rerunDuringStorm, secondaryLimit};
        Instant stormStart = Instant.now();
        for (long runId : runs) {
            github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));
        }
        // the storm outlasts every call's redeliveries several times over before it ends
        await().atMost(Duration.ofSeconds(30)).until(() -> wm.findAll(postRequestedFor(
                urlPathEqualTo(GitHubStandIn.rerunPath(rerunDuringStorm)))).size() >= 4);
        await().atMost(STORM.plusSeconds(10)).until(() -> Instant.now().isAfter(stormStart.plus(STORM)));
        assertThat(count("SELECT count(*) FROM phase4_events WHERE run_id = ? AND event_type = 'failure_classified'",
                listedDuringStorm)).as("not classified while GitHub could not list its jobs").isZero();
        storm.forEach(wm::removeStub);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (long runId : runs) {
                assertThat(rerunStatuses(runId)).as("run %d", runId).containsExactly("sent");
            }
        });
        for (long runId : runs) {
            assertThat(metrics(runId)).as("run %d", runId).containsEntry("failure_category", "transient_infrastructure")
                    .containsEntry("final_failure", false);
            assertThat(events(runId)).as("run %d", runId).doesNotContain("final_failure")
                    .containsOnlyOnce("failure_classified", "retry_scheduled", "retry_sent");
        }
        // exactly one accepted re-run each: the 5xx answers did not start one, the 201 did
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(rerunDuringStorm))))
                .stream().filter(r -> r.getLoggedDate().toInstant().isAfter(stormStart.plus(STORM))).count())
                .as("POSTs after the storm").isEqualTo(1);
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(listedDuringStorm))));
        wm.verify(2, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(secondaryLimit))));
    }

    @Test
    void slackStormSendsEachMessageOnceWhenSlackIsBack() {
        List<StubMapping> storm = rotating(slack, SLACK_PATH, "slack", 500, 502, 503);
        String repo = GitHubStandIn.REPO;
        List<Long> events = new ArrayList<>();
        List<Long> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long run = System.currentTimeMillis() * 10 + i;
            runs.add(run);
            var payload = NotificationTestSupport.runPayload(repo, run, 2);
            payload.put("conclusion", "success");
            payload.put("attempts", 1);
            payload.put("category", "transient_infrastructure");
            events.add(outbox.record("recovered", repo, run, 2, payload));
        }
        // several rounds of the storm for every message: each attempt recorded, nothing sent
        await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().allMatch(e ->
                count("SELECT count(*) FROM phase4_notifications WHERE event_id = ? AND channel = 'slack' "
                        + "AND outcome = 'failed'", e) >= 2));
        assertThat(events).allSatisfy(e -> assertThat(deliveryStatus(e)).isEqualTo("pending"));
        storm.forEach(slack::removeStub);

        await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().allMatch(e -> "done".equals(deliveryStatus(e))));
        for (long e : events) {
            assertThat(jdbc.queryForList("SELECT outcome FROM phase4_notifications WHERE event_id = ? AND channel = "
                    + "'slack' AND outcome = 'sent'", String.class, e)).as("event %d", e).hasSize(1);
        }
        for (long run : runs) {
            assertThat(slack.getAllServeEvents().stream().filter(s -> s.getResponse().getStatus() == 200
                    && s.getRequest().getBodyAsString().contains(Long.toString(run))).count())
                    .as("Slack messages taken for run %d", run).isEqualTo(1);
        }
    }

    /** POSTs to {@code path} answered with these statuses in turn (high priority: removing them ends the storm). */
    private static List<StubMapping> rotating(WireMockExtension server, String path, String scenario, int... statuses) {
        List<StubMapping> stubs = new ArrayList<>();
        for (int i = 0; i < statuses.length; i++) {
            String state = i == 0 ? STARTED : scenario + i;
            String next = i + 1 == statuses.length ? STARTED : scenario + (i + 1);
            stubs.add(server.stubFor(post(urlPathEqualTo(path)).atPriority(1).inScenario(scenario)
                    .whenScenarioStateIs(state).willSetStateTo(next).willReturn(aResponse().withStatus(statuses[i])
                            .withBody(statuses[i] + " from the storm"))));
        }
        return stubs;
    }

    private List<String> rerunStatuses(long runId) {
        return jdbc.queryForList("SELECT status FROM phase4_retry_history WHERE original_run_id = ? ORDER BY attempt",
                String.class, runId);
    }

    private List<String> events(long runId) {
        return jdbc.queryForList("SELECT event_type FROM phase4_events WHERE run_id = ? AND event_type <> 'detection' "
                + "ORDER BY id", String.class, runId);
    }

    private Map<String, Object> metrics(long runId) {
        return jdbc.queryForMap("SELECT failure_category, final_failure FROM phase4_metrics WHERE run_id = ?", runId);
    }

    private String deliveryStatus(long eventId) {
        return jdbc.queryForObject("SELECT status FROM phase4_event_deliveries WHERE event_id = ? AND consumer = "
                + "'notification'", String.class, eventId);
    }

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }
}
