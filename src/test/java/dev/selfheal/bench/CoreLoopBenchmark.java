package dev.selfheal.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.selfheal.SelfhealApplication;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.detection.RunSummary;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.retry.FailureClassifier;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.sanitize.Sanitizer;
import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.TestPolicies;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.ProducerTemplate;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 3's measurements (docs/BENCHMARKS.md), not a test: run with scripts/bench-core-loop.sh.
 * 1. webhook received -> rerun-failed-jobs sent, back-off excluded, over N runs (median, p99);
 * 2. GitHub requests that count against the rate limit in one idle poll cycle of 100 repositories;
 * 3. failed runs classified per second from 1 MB job logs (the matched line at the very end: a full scan).
 */
public final class CoreLoopBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        classificationThroughput();
        if (runs == 0) {
            return;
        }
        WireMockServer github = new WireMockServer(wireMockConfig().dynamicPort().asynchronousResponseEnabled(true));
        github.start();
        ExternalPostgres.ensureDatabase();
        // back-off excluded: the first re-run is due 1 ms after the failure is classified
        Path config = TestPolicies.fastWithoutBackoff();
        List<String> repos = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            repos.add("bench-org/repo-" + i);
        }
        ConfigurableApplicationContext app = startService(github, config, repos);
        try {
            webhookToRerun(app, github, runs);
            idlePoll(app, github, repos);
        } finally {
            app.close();
            github.stop();
        }
    }

    /**
     * The service in the test profile against the machine's PostgreSQL and this GitHub stand-in, watching
     * {@link GitHubStandIn#REPO} and {@code repos}, dispatch tick 20 ms, logging warnings only.
     */
    static ConfigurableApplicationContext startService(WireMockServer github, Path config, List<String> repos) {
        return new SpringApplicationBuilder(SelfhealApplication.class)
                .profiles("test").run("--server.port=0", "--spring.datasource.url=" + ExternalPostgres.jdbcUrl(),
                        "--spring.datasource.username=postgres", "--selfheal.github.api-url=" + github.baseUrl(),
                        "--selfheal.config-dir=" + config, "--selfheal.github.webhook-secret=" + GitHubStandIn.SECRET,
                        "--selfheal.github.repositories=" + GitHubStandIn.REPO + "," + String.join(",", repos),
                        "--selfheal.retry.dispatch-period-ms=20", "--logging.level.root=WARN",
                        "--logging.level.dev.selfheal=WARN");
    }

    static void webhookToRerun(ConfigurableApplicationContext app, WireMockServer github, int runs) throws Exception {
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        Instant t = Instant.now();
        stubTransientFailure(github, t);
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        Map<Long, Long> rerunAt = recordReruns(github);
        GitHubStandIn standIn = new GitHubStandIn(null);
        long first = System.currentTimeMillis() * 10;
        // warm-up: 50 runs not counted
        for (int i = 0; i < runs + 50; i++) {
            long runId = first + i;
            long start = System.nanoTime();
            deliverFailure(standIn, port, github, runId, t);
            if (i >= 50) {
                sentAt.put(runId, start);
            }
            Thread.sleep(20); // 50 deliveries a second: a busy organisation, not a flood
        }
        long deadline = System.currentTimeMillis() + 120_000;
        while (!rerunAt.keySet().containsAll(sentAt.keySet()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        List<Double> ms = new ArrayList<>();
        for (Map.Entry<Long, Long> e : sentAt.entrySet()) {
            Long done = rerunAt.get(e.getKey());
            if (done != null) {
                ms.add((done - e.getValue()) / 1e6 - 1.0); // minus the 1 ms back-off
            }
        }
        Collections.sort(ms);
        System.out.printf("webhook -> rerun-failed-jobs (back-off excluded), %d of %d runs: median %.1f ms, "
                        + "p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", ms.size(), sentAt.size(), pct(ms, 50),
                pct(ms, 90), pct(ms, 99), ms.get(ms.size() - 1));
    }

    /** Every run lost its runner (the shared stand-in stubs) and GitHub accepts every re-run. */
    static void stubTransientFailure(WireMockServer github, Instant t) {
        GitHubStandIn.stubEveryRunLosesItsRunner(github, github.baseUrl(), GitHubStandIn.REPO, 1);
        github.stubFor(post(urlPathMatching("/repos/" + GitHubStandIn.REPO + "/actions/runs/\\d+/rerun-failed-jobs"))
                .willReturn(aResponse().withStatus(201)));
    }

    /** Run id to the time (nanoTime) its first rerun-failed-jobs request reached the stand-in. */
    static Map<Long, Long> recordReruns(WireMockServer github) {
        Map<Long, Long> rerunAt = new ConcurrentHashMap<>();
        github.addMockServiceRequestListener((request, response) -> {
            if (request.getMethod().getName().equals("POST") && request.getUrl().endsWith("/rerun-failed-jobs")) {
                String[] parts = request.getUrl().split("/");
                rerunAt.putIfAbsent(Long.parseLong(parts[parts.length - 2]), System.nanoTime());
            }
        });
        return rerunAt;
    }

    /** One signed workflow_run delivery of a failed run; anything but 202 ends the benchmark. */
    static void deliverFailure(GitHubStandIn standIn, int port, WireMockServer github, long runId, Instant t) {
        ObjectNode run = GitHubFixtures.workflowRun(github.baseUrl(), GitHubStandIn.REPO, runId, 1, 77, "CI",
                "failure", t.minusSeconds(60), t);
        String body = GitHubStandIn.workflowRunEvent(run);
        int status = standIn.deliver(port, "workflow_run", body, GitHubStandIn.sign(body, GitHubStandIn.SECRET),
                "bench-" + runId).statusCode();
        if (status != 202) {
            throw new IllegalStateException("webhook answered " + status);
        }
    }

    static void idlePoll(ConfigurableApplicationContext app, WireMockServer github, List<String> repos) {
        for (String repo : repos) {
            String etag = "W/\"" + repo.hashCode() + "\"";
            String list = "/repos/" + repo + "/actions/runs";
            github.stubFor(get(urlPathEqualTo(list)).withHeader("If-None-Match", equalTo(etag)).atPriority(1)
                    .willReturn(aResponse().withStatus(304).withHeader("ETag", etag)
                            .withHeader("X-RateLimit-Remaining", "4321")));
            github.stubFor(get(urlPathEqualTo(list)).atPriority(5).willReturn(okJson("{\"total_count\":0,"
                    + "\"workflow_runs\":[]}").withHeader("ETag", etag).withHeader("X-RateLimit-Remaining", "4321")));
        }
        ProducerTemplate template = app.getBean(ProducerTemplate.class);
        template.sendBody("direct:detection-poll-repositories", null); // first cycle learns the ETags
        github.resetRequests();
        long start = System.nanoTime();
        template.sendBody("direct:detection-poll-repositories", null);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<ServeEvent> events = github.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith("/repos/bench-org/")).toList();
        long costly = events.stream().filter(e -> e.getResponse().getStatus() != 304).count();
        System.out.printf("idle poll of %d repositories: %d requests, %d answered 304, %d counted against the rate "
                + "limit; cycle took %.2f s%n", repos.size(), events.size(), events.size() - costly, costly, seconds);
    }

    static void classificationThroughput() throws Exception {
        SelfhealProperties props = new SelfhealProperties(new SelfhealProperties.GitHub(
                URI.create("https://api.github.com"), null, List.of(), null), new SelfhealProperties.Slack(null),
                new SelfhealProperties.Scheduling(List.of()), Path.of("data"), Path.of("config"), Path.of("routes"));
        PolicyFiles policies = new PolicyFiles(props);
        FailureClassifier classifier = new FailureClassifier(policies, new Sanitizer(policies.maskRules(), List.of()));
        StringBuilder log = new StringBuilder();
        int n = 0;
        while (log.length() < 1_000_000) {
            log.append("2026-11-20T10:00:").append(String.format("%02d", n % 60)).append(".1234567Z ")
                    .append(CiLogLines.next(n++)).append('\n');
        }
        log.append("2026-11-20T10:59:59.0000000Z ").append(GitHubStandIn.RUNNER_LOST).append('\n');
        byte[] bytes = log.toString().getBytes(StandardCharsets.UTF_8);
        RunSummary run = new RunSummary("o/r", 1, 1, 7L, "CI", "completed", "failure", null, null, null, null, null,
                null, null, null);
        List<Double> rates = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            int count = 0;
            long start = System.nanoTime();
            while (System.nanoTime() - start < 3_000_000_000L) {
                FailureClassifier.Scan scan = classifier.start(run, List.of());
                scan.read(new ByteArrayInputStream(bytes), "build");
                if (!"transient_infrastructure".equals(scan.result().category())) {
                    throw new IllegalStateException(scan.result().toString());
                }
                count++;
            }
            if (round > 0) {
                rates.add(count / ((System.nanoTime() - start) / 1e9));
            }
        }
        Collections.sort(rates);
        System.out.printf("classification of a %.2f MB job log (match on the last line): median %.1f runs/s "
                + "(%.1f MB/s), rounds %s%n", bytes.length / 1e6, rates.get(rates.size() / 2),
                rates.get(rates.size() / 2) * bytes.length / 1e6, rates);
    }

    static double pct(List<Double> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /** Ordinary CI output: npm, Maven, pytest, Docker lines that match no rule. */
    static final class CiLogLines {
        static final String[] LINES = {
            "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
            "[INFO] Downloading from central: https://repo.maven.apache.org/maven2/org/slf4j/slf4j-api/2.0.9.pom",
            "tests/test_api.py::test_list_runs PASSED                                  [ 42%]",
            "#12 [build 4/7] RUN pip install --no-cache-dir -r requirements.txt",
            "Step 5/11 : COPY package.json package-lock.json ./",
            "> Task :compileJava UP-TO-DATE",
            "added 1287 packages, and audited 1288 packages in 23s",
            "[INFO] Tests run: 84, Failures: 0, Errors: 0, Skipped: 2, Time elapsed: 3.1 s",
        };

        static String next(int i) {
            return LINES[i % LINES.length];
        }
    }
}
