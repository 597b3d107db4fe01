package dev.selfheal.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.selfheal.SelfhealApplication;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.TestPolicies;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Open-loop end-to-end load (docs/BENCHMARKS.md, "End to end, open loop"), not a test: run with
 * scripts/bench-open-loop.sh. Failed runs (a lost runner, retryable) arrive as webhook deliveries on a fixed
 * schedule of R per second, whatever the service answers (a closed loop waits for each answer and so never
 * offers more than it can take). For each delivery: its due time, its answer and the moment WireMock GitHub
 * sees its {@code POST .../rerun-failed-jobs} (back-off 1 ms). Latency counts from the due time, so a late
 * sender or a queue in the service shows. Per offered rate: webhook answers, webhook -> re-run p50/p99, re-runs
 * per second while offered, and how long the backlog took to drain.
 */
public final class OpenLoopBenchmark {

    /** Arguments: rates (comma list, deliveries/s), seconds per rate, dispatch tick (ms), repositories. */
    public static void main(String[] args) throws Exception {
        int[] rates = Arrays.stream((args.length > 0 ? args[0] : "50,200,500,1000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String tick = args.length > 2 ? args[2] : "20";
        int repoCount = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        String label = System.getProperty("bench.label", "this build");

        WireMockServer github = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(64)
                .disableRequestJournal());
        github.start();
        ExternalPostgres.ensureDatabase();
        // back-off excluded: the first re-run is due 1 ms after the failure is classified. Written out here, not
        // through newer test helpers: scripts/bench-open-loop.sh copies this one class into an older build
        Path config = TestPolicies.fast();
        TestPolicies.edit(config, "phase4-retry-policy.json",
                p -> ((ObjectNode) p.path("run").path("backoff")).put("initialSeconds", 0.001));
        List<String> repos = new ArrayList<>();
        for (int i = 0; i < repoCount; i++) {
            repos.add("bench-org/repo-" + i);
        }
        stubGitHub(github, repos);
        Map<Long, Long> rerunAt = new ConcurrentHashMap<>();
        AtomicInteger reruns = new AtomicInteger();
        github.addMockServiceRequestListener((request, response) -> {
            if (request.getMethod().getName().equals("POST") && request.getUrl().endsWith("/rerun-failed-jobs")) {
                String[] parts = request.getUrl().split("/");
                if (rerunAt.putIfAbsent(Long.parseLong(parts[parts.length - 2]), System.nanoTime()) == null) {
                    reruns.incrementAndGet();
                }
            }
        });
        ConfigurableApplicationContext app = new SpringApplicationBuilder(SelfhealApplication.class)
                .profiles("test").run("--server.port=0", "--spring.datasource.url=" + ExternalPostgres.jdbcUrl(),
                        "--spring.datasource.username=postgres", "--selfheal.github.api-url=" + github.baseUrl(),
                        "--selfheal.config-dir=" + config, "--selfheal.github.webhook-secret=" + GitHubStandIn.SECRET,
                        "--selfheal.github.repositories=" + String.join(",", repos),
                        "--selfheal.retry.dispatch-period-ms=" + tick, "--logging.level.root=WARN",
                        "--logging.level.dev.selfheal=WARN", "--logging.level.selfheal=WARN");
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        AtomicInteger loadgenThreads = new AtomicInteger();
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8,
                        r -> new Thread(r, "loadgen-" + loadgenThreads.incrementAndGet())))
                .connectTimeout(Duration.ofSeconds(10)).build();
        long runIds = System.currentTimeMillis() * 10;
        try {
            System.out.printf(Locale.ROOT, "%s: dispatch tick %s ms, %d repositories, %d s per rate%n", label, tick,
                    repoCount, seconds);
            // warm-up: JIT, pools, caches; not counted
            runIds = level(http, port, github, repos, 20, 5, runIds, rerunAt, reruns, null);
            io.micrometer.core.instrument.MeterRegistry meters = app.getBean(
                    io.micrometer.core.instrument.MeterRegistry.class);
            for (int rate : rates) {
                runIds = level(http, port, github, repos, rate, seconds, runIds, rerunAt, reruns, label);
                System.out.printf(Locale.ROOT, "%s |   %d meters registered%n", label, meters.getMeters().size());
            }
        } finally {
            app.close();
            github.stop();
            System.exit(0);
        }
    }

    /** One offered rate for {@code seconds}; returns the next free run id. */
    static long level(HttpClient http, int port, WireMockServer github, List<String> repos, int rate, int seconds,
            long firstRunId, Map<Long, Long> rerunAt, AtomicInteger reruns, String label) throws Exception {
        int n = rate * seconds;
        // whole milliseconds: PostgreSQL keeps microseconds, and the metrics row's check compares the two
        Instant t = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        HttpRequest[] requests = new HttpRequest[n];
        for (int i = 0; i < n; i++) {
            long runId = firstRunId + i;
            String repo = repos.get(i % repos.size());
            ObjectNode run = GitHubFixtures.workflowRun(github.baseUrl(), repo, runId, 1, 77, "CI", "failure",
                    t.minusSeconds(60), t);
            String body = workflowRunEvent(run, repo);
            requests[i] = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
                    .header("Content-Type", "application/json").header("X-GitHub-Event", "workflow_run")
                    .header("X-GitHub-Delivery", "open-loop-" + runId)
                    .header("X-Hub-Signature-256", GitHubStandIn.sign(body, GitHubStandIn.SECRET))
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }
        long[] due = new long[n];
        long[] answeredAt = new long[n];
        int[] status = new int[n];
        CpuAccount cpuBefore = CpuAccount.read();
        long start = System.nanoTime() + 50_000_000L;
        long interval = 1_000_000_000L / rate;
        for (int i = 0; i < n; i++) {
            due[i] = start + i * interval;
            long wait = due[i] - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int k = i;
            http.sendAsync(requests[k], HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                answeredAt[k] = System.nanoTime();
                status[k] = e == null ? r.statusCode() : -1;
            });
        }
        long offeredEnd = start + n * interval;
        long sentAll = System.nanoTime();
        // drain: every run re-run, or no progress for 30 s
        int last = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            int done = countDone(rerunAt, firstRunId, n);
            if (done == n) {
                break;
            }
            if (done != last) {
                last = done;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > 30_000_000_000L) {
                break;
            }
            Thread.sleep(100);
        }
        long drained = System.nanoTime();
        CpuAccount cpuAfter = CpuAccount.read();
        Thread.sleep(200); // the last answers
        if (label == null) {
            return firstRunId + n;
        }
        List<Double> answer = new ArrayList<>();
        List<Double> latency = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        int duringLoad = 0;
        long lastRerun = start;
        for (int i = 0; i < n; i++) {
            if (status[i] == 202) {
                accepted++;
            } else {
                refused++;
            }
            if (answeredAt[i] != 0) {
                answer.add((answeredAt[i] - due[i]) / 1e6);
            }
            Long done = rerunAt.get(firstRunId + i);
            if (done != null) {
                latency.add((done - due[i]) / 1e6 - 1.0); // minus the 1 ms back-off
                if (done <= offeredEnd) {
                    duringLoad++;
                }
                lastRerun = Math.max(lastRerun, done);
            }
        }
        Collections.sort(answer);
        Collections.sort(latency);
        double offeredSeconds = (offeredEnd - start) / 1e9;
        double total = (lastRerun - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s | offered %4d/s (sender kept %.0f/s) | 202: %d, other: %d | answer p50 "
                        + "%.1f ms p99 %.1f ms | webhook->rerun p50 %.1f ms p99 %.1f ms max %.1f ms | re-runs %d of %d;"
                        + " %.0f/s while offered, %.0f/s overall (all done %.1f s after the first due time)%n",
                label, rate, n / ((sentAll - start) / 1e9), accepted, refused, pct(answer, 50), pct(answer, 99),
                pct(latency, 50), pct(latency, 99), latency.isEmpty() ? Double.NaN : latency.get(latency.size() - 1),
                latency.size(), n, duringLoad / offeredSeconds, latency.size() / total, total);
        System.out.printf(Locale.ROOT, "%s |   %s%n", label, cpuAfter.perRun(cpuBefore, latency.size()));
        if (latency.size() < n) {
            System.out.printf(Locale.ROOT, "%s |   %d runs not re-run after 30 s without progress (%.1f s)%n", label,
                    n - latency.size(), (drained - start) / 1e9);
        }
        return firstRunId + n;
    }

    static int countDone(Map<Long, Long> rerunAt, long first, int n) {
        int done = 0;
        for (int i = 0; i < n; i++) {
            if (rerunAt.containsKey(first + i)) {
                done++;
            }
        }
        return done;
    }

    /** Each repository: its attempt's one failed job, no annotations, a log whose last line is a lost runner. */
    static void stubGitHub(WireMockServer github, List<String> repos) {
        Instant t = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        for (int r = 0; r < repos.size(); r++) {
            String repo = repos.get(r);
            String actions = "/repos/" + repo + "/actions";
            long jobId = 1000 + r;
            ObjectNode job = GitHubFixtures.workflowJob(github.baseUrl(), repo, 1, 1, jobId, "build", "failure",
                    t.minusSeconds(60), t);
            github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching(actions
                    + "/runs/\\d+/attempts/1/jobs")).willReturn(com.github.tomakehurst.wiremock.client.WireMock
                    .okJson(GitHubFixtures.json(GitHubFixtures.jobsPage(job)))));
            github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching("/repos/" + repo
                    + "/check-runs/" + jobId + "/annotations")).willReturn(com.github.tomakehurst.wiremock.client
                    .WireMock.okJson(GitHubFixtures.json(GitHubFixtures.annotations()))));
            github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching(actions + "/jobs/"
                    + jobId + "/logs")).willReturn(aResponse().withStatus(302).withHeader("Location",
                    github.baseUrl() + "/blobs/job-" + jobId)));
            github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching("/blobs/job-" + jobId))
                    .willReturn(aResponse().withStatus(200).withBody(GitHubStandIn.timestamped("Run build\n"
                            + GitHubStandIn.RUNNER_LOST))));
        }
        github.stubFor(post(urlPathMatching("/repos/bench-org/[^/]+/actions/runs/\\d+/rerun-failed-jobs"))
                .willReturn(aResponse().withStatus(201)));
    }

    static String workflowRunEvent(ObjectNode run, String repo) {
        ObjectNode event = GitHubFixtures.payload("workflow_run__completed.payload.json");
        event.set("workflow_run", run);
        ((ObjectNode) event.get("repository")).put("full_name", repo);
        return GitHubFixtures.json(event);
    }

    static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
