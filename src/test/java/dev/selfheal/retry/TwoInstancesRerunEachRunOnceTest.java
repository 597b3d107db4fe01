package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.selfheal.notification.NotificationTestSupport;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.ServiceProcess;
import dev.selfheal.test.TestPolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Two service processes on one PostgreSQL database and one GitHub (WireMock), one Quartz cluster, one shared data
 * dir: 1,000 failed runs come in over both instances' webhooks and the poll, and one instance is killed (kill -9)
 * half-way. Every transient run is re-run exactly once (GitHub's journal of rerun-failed-jobs), every final failure
 * gives one Slack message, one GitHub issue and one audit ticket, the poll fires once per due time across the
 * cluster. Then re-runs waiting for their back-off outlive a kill -9 of the last instance: the restarted instance
 * sends each once.
 */
class TwoInstancesRerunEachRunOnceTest {

    static final String REPO = "cluster-org/repo-" + Long.toString(System.nanoTime(), 36);
    static final String SLACK_PATH = "/services/T0CLUSTER/B0CLUSTER/clustertestpath";
    static final int WEBHOOK_RUNS = 900;
    static final int POLLED_RUNS = 100;
    static final int FINAL_FAILURES = 40;
    static final int BACKOFF_RUNS = 20;
    /** Claims held by an outbox consumer: at most this many events of a killed instance are taken over again. */
    static final int RETRY_BATCH = 20;
    static final Pattern RUN_PATH = Pattern.compile("/repos/" + Pattern.quote(REPO) + "/actions/runs/(\\d+)(/.*)?");

    /**
     * The re-runs GitHub received, counted as each POST arrives (WireMock journals a request only once its answer
     * is written, which for a sender killed mid-call can be many seconds later): GitHub acts on what arrived.
     */
    static final class RerunsReceived implements StubRequestFilterV2 {
        final Map<Long, AtomicInteger> perRun = new ConcurrentHashMap<>();

        @Override
        public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
            Matcher m = RUN_PATH.matcher(request.getUrl().replaceAll("\\?.*", ""));
            if (m.matches() && "/rerun-failed-jobs".equals(m.group(2)) && request.getMethod().getName().equals("POST")) {
                perRun.computeIfAbsent(Long.parseLong(m.group(1)), k -> new AtomicInteger()).incrementAndGet();
            }
            return RequestFilterAction.continueWith(request);
        }

        @Override
        public String getName() {
            return "reruns-received";
        }
    }

    /** GitHub's run_attempt follows the re-runs it received: what a reconcile after a kill reads. */
    static final class RunAttempts implements ResponseDefinitionTransformerV2 {
        String baseUrl;

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            var request = serveEvent.getRequest();
            Matcher m = RUN_PATH.matcher(request.getUrl().replaceAll("\\?.*", ""));
            if (!m.matches() || m.group(2) != null || !request.getMethod().getName().equals("GET")) {
                return serveEvent.getResponseDefinition();
            }
            long runId = Long.parseLong(m.group(1));
            int attempt = 1 + RECEIVED.perRun.getOrDefault(runId, new AtomicInteger()).get();
            Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            ObjectNode run = GitHubFixtures.workflowRun(baseUrl, REPO, runId, attempt, 77, "CI",
                    attempt == 1 ? "failure" : null, end.minusSeconds(120), attempt == 1 ? end : null);
            return ResponseDefinition.okForJson(run);
        }

        @Override
        public String getName() {
            return "run-attempts";
        }
    }

    static final RerunsReceived RECEIVED = new RerunsReceived();
    static final RunAttempts ATTEMPTS = new RunAttempts();
    static final JdbcTemplate JDBC = new JdbcTemplate(new DriverManagerDataSource(ExternalPostgres.jdbcUrl(),
            "postgres", ""));
    static WireMockServer github;
    static WireMockServer slack;
    static Path work;
    static final List<ServiceProcess> processes = new ArrayList<>();

    @BeforeAll
    static void servers() throws Exception {
        github = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(40)
                .asynchronousResponseEnabled(true).extensions(ATTEMPTS, RECEIVED));
        github.start();
        ATTEMPTS.baseUrl = github.baseUrl();
        slack = new WireMockServer(wireMockConfig().dynamicPort());
        slack.start();
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        // the instances' logs and their shared data dir stay in target/ for a look after a failure
        work = Files.createDirectories(Path.of("target", "two-instances", Long.toString(System.currentTimeMillis())));
        // deliveries earlier test classes left pending in the shared database are not this test's to send
        NotificationTestSupport.settleLeftoverDeliveries();
    }

    @AfterAll
    static void stop() {
        processes.forEach(ServiceProcess::close);
        github.stop();
        slack.stop();
        // a thousand re-runs "in flight" on a GitHub that is gone would be cancelled one by one by the next kill
        // switch engage in the shared database, and count towards other tests' retry-storm conditions
        JDBC.update("DELETE FROM phase4_retry_history WHERE repository = ?", REPO);
        JDBC.update("UPDATE phase4_event_deliveries d SET status = 'done', done_at = now() FROM phase4_events e "
                + "WHERE e.id = d.event_id AND e.repository = ? AND d.status = 'pending'", REPO);
    }

    @Test
    void eachTransientRunIsRerunOnceAcrossInstancesAndKills() throws Exception {
        Instant testStart = Instant.now();
        long base = System.currentTimeMillis() * 10;
        List<Long> webhookRuns = LongStream.range(0, WEBHOOK_RUNS).map(i -> base + i).boxed().toList();
        List<Long> polledRuns = LongStream.range(0, POLLED_RUNS).map(i -> base + WEBHOOK_RUNS + i).boxed().toList();
        // every 22nd webhook run fails its tests: a final failure, each of its own workflow (its own issue)
        List<Long> finalFailures = webhookRuns.stream().filter(id -> (id - base) % 22 == 5).limit(FINAL_FAILURES)
                .toList();
        Set<Long> transientRuns = new java.util.TreeSet<>(webhookRuns);
        transientRuns.addAll(polledRuns);
        finalFailures.forEach(transientRuns::remove);
        stubGitHub(base, polledRuns, finalFailures);

        Path policies = TestPolicies.fast();
        TestPolicies.edit(policies, "phase4-retry-policy.json",
                p -> ((ObjectNode) p.path("run").path("backoff")).put("initialSeconds", 15));
        Path dataDir = Files.createDirectories(work.resolve("shared-data"));
        Map<String, String> settings = settings(policies, dataDir, "two-instances-" + UUID.randomUUID());

        ServiceProcess a = start("instance-a", settings);
        ServiceProcess b = start("instance-b", settings);
        a.awaitStarted(Duration.ofSeconds(150));
        b.awaitStarted(Duration.ofSeconds(150));
        Instant clusterUp = Instant.now();

        // the webhooks, spread over both instances; half-way instance A is killed (kill -9) and its share goes to B,
        // as a load balancer would send it (GitHub's redelivery of a failed delivery likewise)
        Map<Long, Integer> answers = new ConcurrentHashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        GitHubStandIn deliverer = new GitHubStandIn(null);
        AtomicInteger sent = new AtomicInteger();
        for (int i = 0; i < webhookRuns.size(); i++) {
            long runId = webhookRuns.get(i);
            ServiceProcess first = i % 2 == 0 ? a : b;
            ServiceProcess other = first == a ? b : a;
            senders.submit(() -> {
                String body = workflowRunEvent(runId, finalFailures.contains(runId) ? workflowOf(runId) : 77);
                String delivery = UUID.randomUUID().toString();
                int status = deliver(deliverer, first, body, delivery);
                if (status < 0) {
                    status = deliver(deliverer, other, body, delivery);
                }
                answers.put(runId, status);
                sent.incrementAndGet();
            });
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> sent.get() >= WEBHOOK_RUNS / 2);
        Instant killedAt = Instant.now();
        a.kill();
        Instant killDone = Instant.now();
        senders.shutdown();
        assertThat(senders.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
        // 200: a delivery A took in just before it died, sent to B again (B knows it: nothing handled twice)
        assertThat(answers.values()).as("every delivery taken in by one instance").allMatch(s -> s == 202 || s == 200);
        assertThat(answers).hasSize(WEBHOOK_RUNS);

        // B finishes everything: A's claimed events and re-runs come back when their leases end
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                .until(() -> rerunsPerRun().keySet().containsAll(transientRuns)
                        && finalFailures.stream().allMatch(id -> count("SELECT count(*) FROM phase4_audit_tickets t "
                                + "JOIN phase4_events e ON e.id = t.event_id WHERE e.run_id = ? AND e.repository = ? "
                                + "AND e.event_type = 'final_failure'", id, REPO) > 0)
                        && finalFailures.stream().allMatch(id -> slackMessagesAbout(id) > 0));
        // what a late duplicate would need to show up: dispatch ticks and reconciles (every second)
        Thread.sleep(4_000);

        Map<Long, Integer> reruns = rerunsPerRun();
        // a POST torn by the kill (its sender died within the second it was sent) reaches the stand-in GitHub
        // late, after the reconcile asked it: the reconcile rightly sends it again. Only those may be doubled.
        List<Long> tornByTheKill = transientRuns.stream().filter(id -> reruns.getOrDefault(id, 0) == 2
                && firstRerunAt(id).isAfter(killedAt.minusSeconds(1)) && firstRerunAt(id).isBefore(killDone))
                .toList();
        assertThat(tornByTheKill).hasSizeLessThanOrEqualTo(RETRY_BATCH);
        assertThat(transientRuns).filteredOn(id -> !tornByTheKill.contains(id)).allSatisfy(id -> assertThat(
                reruns.get(id)).as("re-runs of run %d (A killed at %s): %s", id, killedAt, journalOf(id)).isEqualTo(1));
        assertThat(finalFailures).allSatisfy(id -> assertThat(reruns.get(id)).as("a failing test is not re-run")
                .isNull());
        assertThat(rows("SELECT status, count(*) FROM phase4_retry_history WHERE repository = ? GROUP BY status", REPO))
                .as("re-run rows by status; those not sent: %s", JDBC.queryForList("SELECT original_run_id, attempt, "
                        + "status, http_status, result, created_at, due_at, requested_at, now() AS now FROM "
                        + "phase4_retry_history WHERE repository = ? AND status <> 'sent'", REPO))
                .containsExactly(Map.entry("sent", (long) transientRuns.size()));
        for (long id : finalFailures) {
            assertThat(count("SELECT count(*) FROM phase4_events WHERE run_id = ? AND repository = ? "
                    + "AND event_type = 'final_failure'", id, REPO)).as("final failures of run %d", id).isEqualTo(1);
            assertThat(slackMessagesAbout(id)).as("Slack messages about run %d", id).isEqualTo(1);
            assertThat(github.findAll(postRequestedFor(urlPathEqualTo("/repos/" + REPO + "/issues"))).stream()
                    .filter(r -> r.getBodyAsString().contains("workflow-" + workflowOf(id) + "/")).count())
                    .as("issues of run %d's workflow", id).isEqualTo(1);
            // the ticket's files are in the shared data dir, where the other instance links them
            Map<String, Object> ticket = queryForMap("SELECT t.json_path, t.md_path FROM phase4_audit_tickets t JOIN "
                    + "phase4_events e ON e.id = t.event_id WHERE e.run_id = ? AND e.repository = ?", id, REPO);
            Path reports = dataDir.resolve("docs").resolve("reports");
            assertThat(reports.resolve((String) ticket.get("json_path"))).exists();
            assertThat(reports.resolve((String) ticket.get("md_path"))).exists();
        }
        assertThat(github.findAll(postRequestedFor(urlPathMatching("/repos/" + Pattern.quote(REPO)
                + "/issues/\\d+/comments")))).as("nothing commented twice (nothing to comment on)").isEmpty();
        // claims with SKIP LOCKED: two instances polling every 100 ms never evaluate one run twice; only the
        // batch the killed instance held when it died may be evaluated again after its lease
        long evaluatedTwice = count("SELECT count(*) FROM (SELECT run_id FROM phase4_events WHERE repository = ? AND "
                + "event_type = 'failure_classified' GROUP BY run_id HAVING count(*) > 1) twice", REPO);
        assertThat(evaluatedTwice).isLessThanOrEqualTo(RETRY_BATCH);
        assertThat(count("SELECT count(*) FROM phase4_events WHERE repository = ? AND event_type = 'run_completed'",
                REPO)).as("each run taken in once, by webhook or poll").isEqualTo(WEBHOOK_RUNS + POLLED_RUNS);
        // the poll fired once per due time in the whole cluster (every 2 s), also across the kill
        Map<String, Long> pollFires = rows("SELECT scheduled_for::text, count(*) FROM phase4_schedule_history WHERE "
                + "schedule = 'detection-poll' AND fired_at >= ? GROUP BY scheduled_for", java.sql.Timestamp.from(
                clusterUp));
        assertThat(pollFires).hasSizeGreaterThan(5);
        assertThat(pollFires.values()).as("fires per due time").containsOnly(1L);
        assertThat(killedAt).isAfter(testStart);

        // re-runs waiting for their back-off (due in 15 s) when the last instance is killed: the restarted instance
        // sends each once
        List<Long> backoffRuns = LongStream.range(0, BACKOFF_RUNS).map(i -> base + 5_000 + i).boxed().toList();
        ExecutorService late = Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<Integer>> lateAnswers = new ArrayList<>();
        for (long runId : backoffRuns) {
            lateAnswers.add(late.submit(() -> deliver(deliverer, b, workflowRunEvent(runId, 77),
                    UUID.randomUUID().toString())));
        }
        for (var answer : lateAnswers) {
            assertThat(answer.get(120, TimeUnit.SECONDS)).isEqualTo(202);
        }
        late.shutdown();
        await().atMost(Duration.ofSeconds(120)).until(() -> count("SELECT count(*) FROM phase4_retry_history WHERE "
                + "repository = ? AND original_run_id >= ?", REPO, base + 5_000) == BACKOFF_RUNS);
        long waiting = count("SELECT count(*) FROM phase4_retry_history WHERE repository = ? AND original_run_id >= ? "
                + "AND status = 'pending' AND due_at > now()", REPO, base + 5_000);
        b.kill();
        assertThat(waiting).as("re-runs in back-off when B was killed").isGreaterThan(0);

        ServiceProcess again = start("instance-a-restarted", settings).awaitStarted(Duration.ofSeconds(150));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> rerunsPerRun().keySet().containsAll(backoffRuns));
        Thread.sleep(4_000);
        Map<Long, Integer> after = rerunsPerRun();
        assertThat(backoffRuns).allSatisfy(id -> assertThat(after.get(id)).as("re-runs of run %d", id).isEqualTo(1));
        assertThat(transientRuns).allSatisfy(id -> assertThat(after.get(id)).isEqualTo(reruns.get(id)));
        again.stop();
    }

    static ServiceProcess start(String name, Map<String, String> settings) {
        ServiceProcess p = ServiceProcess.start(name, work, settings);
        processes.add(p);
        return p;
    }

    /** One instance's settings: GitHub and Slack here, the shared data dir, one cluster name, quick timers. */
    static Map<String, String> settings(Path policies, Path dataDir, String cluster) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("selfheal.cluster.name", cluster);
        s.put("selfheal.github.api-url", github.baseUrl());
        s.put("selfheal.github.repositories", REPO);
        s.put("selfheal.github.webhook-secret", GitHubStandIn.SECRET);
        s.put("selfheal.github.auto-startup", "true");
        s.put("selfheal.slack.webhook-url", slack.baseUrl() + SLACK_PATH);
        s.put("selfheal.config-dir", policies.toString());
        s.put("selfheal.data-dir", dataDir.toString());
        s.put("selfheal.schedules.detection-poll.cron", "0/2 * * * * ?");
        s.put("selfheal.retry.dispatch-period-ms", "100");
        s.put("selfheal.retry.reconcile-period-ms", "1000");
        s.put("selfheal.retry.sending-lease", "PT20S");
        s.put("selfheal.outbox.retry.poll-period", "100ms");
        s.put("selfheal.outbox.retry.poll-delay", "100ms");
        s.put("selfheal.outbox.retry.batch-size", String.valueOf(RETRY_BATCH));
        s.put("selfheal.outbox.retry.lease", "20s");
        for (String consumer : List.of("notification", "audit")) {
            s.put("selfheal.outbox." + consumer + ".poll-period", "200ms");
            s.put("selfheal.outbox." + consumer + ".poll-delay", "200ms");
            s.put("selfheal.outbox." + consumer + ".lease", "20s");
            s.put("selfheal.outbox." + consumer + ".retry-delay", "500ms");
            s.put("selfheal.outbox." + consumer + ".max-retry-delay", "1s");
        }
        s.put("selfheal.notification.slack-min-interval", "10ms");
        s.put("selfheal.notification.audit-ticket-wait", "100ms");
        s.put("logging.level.dev.selfheal", "WARN");
        s.put("logging.level.dev.selfheal.SelfhealApplication", "INFO");
        return s;
    }

    /** GitHub: the runs' jobs, annotations and logs (runner lost, or failing tests), the poll's list, issues. */
    static void stubGitHub(long base, List<Long> polledRuns, List<Long> finalFailures) {
        String actions = "/repos/" + REPO + "/actions";
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Function<Long, ObjectNode> job = jobId -> GitHubFixtures.workflowJob(github.baseUrl(), REPO, base, 1, jobId,
                "build", "failure", t.minusSeconds(60), t);
        github.stubFor(get(urlPathMatching(actions + "/runs/\\d+/attempts/1/jobs")).atPriority(10)
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.jobsPage(job.apply(1L))))));
        for (long id : finalFailures) {
            github.stubFor(get(urlPathEqualTo(actions + "/runs/" + id + "/attempts/1/jobs")).atPriority(1)
                    .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.jobsPage(job.apply(2L))))));
        }
        Map<Long, String> logs = Map.of(1L, GitHubStandIn.RUNNER_LOST, 2L, GitHubStandIn.TESTS_FAILED);
        logs.forEach((jobId, log) -> {
            github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/check-runs/" + jobId + "/annotations"))
                    .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.annotations()))));
            github.stubFor(get(urlPathEqualTo(actions + "/jobs/" + jobId + "/logs")).willReturn(aResponse()
                    .withStatus(302).withHeader("Location", github.baseUrl() + "/blobs/job-" + jobId)));
            github.stubFor(get(urlPathEqualTo("/blobs/job-" + jobId)).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "text/plain").withBody(GitHubStandIn.timestamped("Run build\n" + log))));
        });
        // the run itself (answered by RunAttempts) and its re-run
        github.stubFor(get(urlPathMatching(actions + "/runs/\\d+")).willReturn(okJson("{}")));
        github.stubFor(post(urlPathMatching(actions + "/runs/\\d+/rerun-failed-jobs")).willReturn(
                aResponse().withStatus(201)));
        ObjectNode[] listed = polledRuns.stream().map(id -> GitHubFixtures.workflowRun(github.baseUrl(), REPO, id, 1,
                77, "CI", "failure", t.minusSeconds(120), t)).toArray(ObjectNode[]::new);
        github.stubFor(get(urlPathEqualTo(actions + "/runs")).willReturn(okJson(GitHubFixtures.json(
                GitHubFixtures.runsPage(listed)))));
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/issues")).willReturn(okJson("[]")));
        AtomicInteger issue = new AtomicInteger(100);
        github.stubFor(post(urlPathEqualTo("/repos/" + REPO + "/issues")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"number\":" + issue.incrementAndGet()
                        + ",\"html_url\":\"https://github.com/" + REPO + "/issues/101\",\"state\":\"open\"}")));
    }

    static long workflowOf(long runId) {
        return 1_000 + runId % 100_000;
    }

    static String workflowRunEvent(long runId, long workflowId) {
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ObjectNode run = GitHubFixtures.workflowRun(github.baseUrl(), REPO, runId, 1, workflowId,
                workflowId == 77 ? "CI" : "Tests " + workflowId, "failure", end.minusSeconds(300), end);
        ObjectNode event = GitHubFixtures.payload("workflow_run__completed.payload.json");
        event.set("workflow_run", run);
        ((ObjectNode) event.get("repository")).put("full_name", REPO);
        return GitHubFixtures.json(event);
    }

    /** The delivery's answer, or -1 when the instance is gone (connection refused or reset). */
    static int deliver(GitHubStandIn deliverer, ServiceProcess to, String body, String delivery) {
        try {
            return deliverer.deliver(to.port(), "workflow_run", body, GitHubStandIn.sign(body, GitHubStandIn.SECRET),
                    delivery).statusCode();
        } catch (IllegalStateException gone) {
            return -1;
        }
    }

    /** rerun-failed-jobs requests per run, as GitHub received them. */
    static Map<Long, Integer> rerunsPerRun() {
        Map<Long, Integer> n = new HashMap<>();
        RECEIVED.perRun.forEach((run, count) -> n.put(run, count.get()));
        return n;
    }

    /** When GitHub's journal shows the run's first rerun-failed-jobs request. */
    static Instant firstRerunAt(long runId) {
        return github.findAll(postRequestedFor(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + runId
                + "/rerun-failed-jobs"))).stream().map(r -> r.getLoggedDate().toInstant()).min(Instant::compareTo)
                .orElse(Instant.MAX);
    }

    /** GitHub's journal of one run's requests (time, method, path), for a failure's message. */
    static List<String> journalOf(long runId) {
        return github.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(r -> r.getUrl().contains("/runs/" + runId))
                .sorted(java.util.Comparator.comparing(r -> r.getLoggedDate()))
                .map(r -> r.getLoggedDate().toInstant() + " " + r.getMethod() + " " + r.getUrl()).toList();
    }

    /** Slack's final-failure messages naming the run (a detection's message may name it too: another event). */
    static long slackMessagesAbout(long runId) {
        return slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_PATH))).stream()
                .filter(r -> r.getBodyAsString().contains("Final failure")
                        && r.getBodyAsString().contains("#" + runId)).count();
    }

    static long count(String sql, Object... args) {
        return JDBC.queryForObject(sql, Long.class, args);
    }

    static Map<String, Object> queryForMap(String sql, Object... args) {
        return JDBC.queryForMap(sql, args);
    }

    /** Two-column rows as a map (first column's text to the second's count). */
    static Map<String, Long> rows(String sql, Object... args) {
        Map<String, Long> out = new LinkedHashMap<>();
        JDBC.query(sql, rs -> {
            out.put(rs.getString(1), rs.getLong(2));
        }, args);
        return out;
    }
}
