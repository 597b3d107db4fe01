package dev.selfheal.bench;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.TestPolicies;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Growth, not a test: run with scripts/bench-growth.sh. For 100, 500 and 2,000 watched repositories, one service
 * each (test profile, the machine's PostgreSQL, a WireMock GitHub answering every list with an ETag and 304 to a
 * matching If-None-Match): GitHub requests of one idle poll cycle after the first cycle learnt the ETags and how
 * many of them counted against the rate limit; heap in use after a full GC once both cycles ran, whose difference
 * between 100 and 2,000 repositories gives the memory per 100 watched repositories. Then, in the 100-repository
 * service, the outbox backlog drain rate: the retry consumer's routes stopped, N failed runs delivered (their
 * run_completed events wait in the outbox), the routes started again, and the time until every run's
 * rerun-failed-jobs request reached GitHub. Usage: {@code GrowthBenchmark [backlog=400]}.
 */
public final class GrowthBenchmark {

    public static void main(String[] args) throws Exception {
        int backlog = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        ExternalPostgres.ensureDatabase();
        Path config = TestPolicies.fast();
        TestPolicies.edit(config, "phase4-retry-policy.json",
                p -> ((ObjectNode) p.path("run").path("backoff")).put("initialSeconds", 0.001));
        Map<Integer, Long> heap = new TreeMap<>();
        for (int repos : new int[] {100, 500, 2000}) {
            WireMockServer github = new WireMockServer(wireMockConfig().dynamicPort()
                    .asynchronousResponseEnabled(true));
            github.start();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < repos; i++) {
                names.add("bench-org/repo-" + i);
            }
            ConfigurableApplicationContext app = CoreLoopBenchmark.startService(github, config, names);
            try {
                CoreLoopBenchmark.idlePoll(app, github, names);
                heap.put(repos, heapAfterGc());
                System.out.printf("%d repositories: heap in use after GC %.1f MB%n", repos, heap.get(repos) / 1e6);
                if (repos == 100) {
                    drain(app, github, backlog);
                }
            } finally {
                app.close();
                github.stop();
            }
        }
        System.out.printf("memory per 100 watched repositories: %.2f MB (heap after GC, 2,000 vs 100 repositories)%n",
                (heap.get(2000) - heap.get(100)) / 19.0 / 1e6);
    }

    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void drain(ConfigurableApplicationContext app, WireMockServer github, int backlog) throws Exception {
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        Instant t = Instant.now();
        CoreLoopBenchmark.stubTransientFailure(github, t);
        Map<Long, Long> rerunAt = CoreLoopBenchmark.recordReruns(github);
        CamelContext camel = app.getBean(CamelContext.class);
        camel.getRouteController().stopRoute("retry-drain");
        camel.getRouteController().stopRoute("retry-drain-now");
        GitHubStandIn standIn = new GitHubStandIn(null);
        long first = System.currentTimeMillis() * 10;
        for (int i = 0; i < backlog; i++) {
            CoreLoopBenchmark.deliverFailure(standIn, port, github, first + i, t);
        }
        long start = System.nanoTime();
        camel.getRouteController().startRoute("retry-drain-now");
        camel.getRouteController().startRoute("retry-drain");
        long deadline = System.currentTimeMillis() + 600_000;
        while (countFrom(rerunAt, first, backlog) < backlog && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        long done = countFrom(rerunAt, first, backlog);
        double seconds = (rerunAt.values().stream().mapToLong(Long::longValue).max().orElse(start) - start) / 1e9;
        System.out.printf("outbox backlog of %d run_completed events: %d re-run in %.1f s, %.1f events/s "
                + "(retry consumer: batch %s every %s)%n", backlog, done, seconds, done / seconds,
                app.getEnvironment().getProperty("selfheal.outbox.retry.batch-size"),
                app.getEnvironment().getProperty("selfheal.outbox.retry.poll-period"));
    }

    static long countFrom(Map<Long, Long> rerunAt, long first, int count) {
        return rerunAt.keySet().stream().filter(id -> id >= first && id < first + count).count();
    }
}
