package dev.selfheal.detection;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.CoreLoopProperties;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.PostgresBehindProxy;
import dev.selfheal.test.SelfhealTest;
import dev.selfheal.test.TestPolicies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * PostgreSQL is unreachable for a whole minute while failed runs keep arriving (one webhook a second, before,
 * during and after the outage; the same runs are in GitHub's run list for the poll). During the outage every
 * delivery is answered fast (503, within 4 s: GitHub gives up after 10 s); when the database is back, the Quartz
 * poll (every 5 s here) hands on what the webhooks could not record, and no run is lost: every run is classified,
 * each transient one re-run exactly once, none of the deterministic ones re-run.
 */
@SelfhealTest
@ContextConfiguration(initializers = PostgresBehindProxy.class)
class DatabaseOutageMidLoadLosesNoRunTest {

    static final Duration OUTAGE = Duration.ofSeconds(Long.parseLong(
            System.getenv().getOrDefault("SELFHEAL_TEST_OUTAGE_SECONDS", "60")));
    static final Duration BEFORE = Duration.ofSeconds(5);
    static final Duration AFTER = Duration.ofSeconds(5);

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        CoreLoopProperties.register(registry, wm, TestPolicies::fast);
        // the Quartz poll runs on its own, as in production, only more often
        registry.add("selfheal.github.auto-startup", () -> "true");
        registry.add("selfheal.schedules.detection-poll.cron", () -> "0/5 * * * * ?");
        // a run claimed just before the outage is taken again when its lease ends: shorter than the shipped 2 min
        // so the test stays short
        registry.add("selfheal.outbox.retry.lease", () -> "15s");
    }

    record Answer(long runId, int status, Duration took, long sentAtMillis) {
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void databaseBack() throws Exception {
        PostgresBehindProxy.PROXY.open();
    }

    @Test
    void webhooksAreRefusedFastAndThePollRecoversEveryRun() throws Exception {
        GitHubStandIn github = new GitHubStandIn(wm);
        github.stubRerunAccepted();
        List<ObjectNode> listed = new CopyOnWriteArrayList<>();
        List<Long> transientRuns = new CopyOnWriteArrayList<>();
        List<Long> deterministicRuns = new CopyOnWriteArrayList<>();
        List<Answer> answers = new CopyOnWriteArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        long base = System.currentTimeMillis() * 10;

        long start = System.currentTimeMillis();
        long outageStart = start + BEFORE.toMillis();
        long outageEnd = outageStart + OUTAGE.toMillis();
        long loadEnd = outageEnd + AFTER.toMillis();
        ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
        int[] sequence = {0};
        Runnable deliverNext = () -> {
            int n = sequence[0]++;
            long runId = base + n;
            boolean deterministic = n % 4 == 3;
            ObjectNode run = github.stubAttempt(runId, 1, "failure",
                    deterministic ? GitHubStandIn.TESTS_FAILED : GitHubStandIn.RUNNER_LOST);
            (deterministic ? deterministicRuns : transientRuns).add(runId);
            // GitHub lists the run as soon as it completed, whatever happened to its webhook
            listed.add(0, run);
            // the newest mapping wins: the list as it is now
            wm.stubFor(get(urlPathEqualTo("/repos/" + GitHubStandIn.REPO + "/actions/runs"))
                    .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.runsPage(listed.toArray(ObjectNode[]::new))))));
            long sent = System.currentTimeMillis();
            long t0 = System.nanoTime();
            int status;
            try {
                status = github.deliverRun(port, run).statusCode();
            } catch (RuntimeException e) {
                // no answer at all (the connection dropped): kept as status 0, which the assertions refuse
                failures.add(runId + ": " + e);
                status = 0;
            }
            answers.add(new Answer(runId, status, Duration.ofNanos(System.nanoTime() - t0), sent));
        };
        load.scheduleAtFixedRate(() -> {
            try {
                deliverNext.run();
            } catch (Throwable e) {
                failures.add(e.toString());
                throw e;
            }
        }, 0, 1, TimeUnit.SECONDS);

        await().atMost(BEFORE.plusSeconds(30)).until(() -> System.currentTimeMillis() >= outageStart);
        PostgresBehindProxy.PROXY.close();
        await().atMost(OUTAGE.plusSeconds(30)).until(() -> System.currentTimeMillis() >= outageEnd);
        PostgresBehindProxy.PROXY.open();
        await().atMost(AFTER.plusSeconds(30)).until(() -> System.currentTimeMillis() >= loadEnd);
        load.shutdown();
        assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(failures).as("deliveries without an answer").isEmpty();
        List<Answer> duringOutage = answers.stream()
                .filter(a -> a.sentAtMillis() > outageStart && a.sentAtMillis() < outageEnd).toList();
        System.out.println("answers (run, status, took, sent at - outage start): " + answers.stream()
                .map(a -> a.runId() - base + ":" + a.status() + ":" + a.took().toMillis() + "ms:"
                        + (a.sentAtMillis() - outageStart)).toList());
        assertThat(duringOutage).as("deliveries during the outage").hasSizeGreaterThan((int) OUTAGE.toSeconds() / 2);
        // the first delivery of the outage waits for the pool (2 s) before it is refused; the later ones are
        // refused by DatabaseReachability at once. 4 s leaves room for a loaded machine, far from GitHub's 10 s.
        assertThat(answers).as("every delivery answered within 4 s (GitHub waits 10 s), before, during and after")
                .allSatisfy(a -> assertThat(a.took()).isLessThan(Duration.ofSeconds(4)));
        assertThat(answers).as("accepted or refused for redelivery, never an error")
                .allSatisfy(a -> assertThat(a.status()).isIn(200, 202, 503));
        assertThat(duringOutage.stream().filter(a -> a.status() == 503).count())
                .as("refused while the database is down").isGreaterThan(duringOutage.size() / 2);
        assertThat(answers.stream().filter(a -> a.sentAtMillis() < outageStart - 1000).map(Answer::status))
                .as("accepted (or already taken by the poll) before the outage").containsAnyOf(200, 202)
                .doesNotContain(503);

        List<Long> all = new ArrayList<>(transientRuns);
        all.addAll(deterministicRuns);
        // the pool's connections from before the outage are dead: the first queries may fail while it renews them
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> {
                    assertThat(count("SELECT count(DISTINCT run_id) FROM phase4_events WHERE event_type = "
                            + "'failure_classified' AND run_id BETWEEN ? AND ?", base, base + sequence[0]))
                            .as("runs classified").isEqualTo(all.size());
                    assertThat(count("SELECT count(*) FROM phase4_retry_history WHERE status = 'sent' AND "
                            + "original_run_id BETWEEN ? AND ?", base, base + sequence[0]))
                            .as("transient runs re-run").isEqualTo(transientRuns.size());
                });

        for (long runId : transientRuns) {
            wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
            assertThat(count("SELECT count(*) FROM phase4_events WHERE run_id = ? AND event_type = 'run_completed'",
                    runId)).as("run %d recorded once", runId).isEqualTo(1);
        }
        for (long runId : deterministicRuns) {
            wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
            assertThat(jdbc.queryForObject("SELECT final_failure FROM phase4_metrics WHERE run_id = ?",
                    Boolean.class, runId)).as("run %d a final failure", runId).isTrue();
        }
        Map<Integer, Long> byStatus = new java.util.TreeMap<>();
        answers.forEach(a -> byStatus.merge(a.status(), 1L, Long::sum));
        System.out.printf("outage %d s: %d deliveries %s, slowest answer %d ms, %d transient re-run once, "
                        + "%d deterministic not re-run%n", OUTAGE.toSeconds(), answers.size(), byStatus,
                answers.stream().mapToLong(a -> a.took().toMillis()).max().orElse(0), transientRuns.size(),
                deterministicRuns.size());
    }

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }
}
