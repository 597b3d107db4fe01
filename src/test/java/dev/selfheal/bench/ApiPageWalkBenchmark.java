package dev.selfheal.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.api.ApiKeys;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * REST API on loopback: 10,000 runs walked 100 per page through the Link header (100 requests), one client,
 * after one warm-up walk; five walks measured. Run with
 * {@code ./mvnw -o -q verify -Dtest=ApiPageWalkBenchmark -Dsurefire.failIfNoSpecifiedTests=false}; the figures
 * are printed to the test's output file.
 */
@SelfhealTest
// the walk is 600 requests in seconds: the default limits (600/min per key, 300/min per address) would refuse it
@org.springframework.test.context.TestPropertySource(properties = {"selfheal.api.per-key-per-minute=1000000",
        "selfheal.api.per-ip-per-minute=1000000"})
class ApiPageWalkBenchmark {

    static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys keys;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void walk() throws Exception {
        String repo = "bench-walk/r" + UUID.randomUUID().toString().substring(0, 8);
        long base = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L) * 100_000;
        jdbc.update("""
                INSERT INTO phase4_metrics (run_id, repository, workflow_name, conclusion, failure_category, html_url)
                SELECT ? + g, ?, 'CI', 'failure', 'transient_infrastructure', 'https://github.com/x/y/actions/runs/' || g
                FROM generate_series(1, 10000) g""", base, repo);
        String key = keys.create("bench-walker", ManagementRole.VIEWER, null, "bench").secret();
        HttpClient http = HttpClient.newHttpClient();
        walk(http, key, repo, new ArrayList<>());
        List<Long> nanos = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(walk(http, key, repo, nanos)).isEqualTo(10_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Collections.sort(nanos);
        System.out.printf("API page walk: %d requests in %.2f s = %.1f requests/s (%.0f rows/s); p50 %.1f ms, "
                + "p99 %.1f ms, max %.1f ms%n", nanos.size(), seconds, nanos.size() / seconds, 50_000 / seconds,
                nanos.get(nanos.size() / 2) / 1e6, nanos.get((int) Math.ceil(nanos.size() * 0.99) - 1) / 1e6,
                nanos.get(nanos.size() - 1) / 1e6);
    }

    int walk(HttpClient http, String key, String repo, List<Long> nanos) throws Exception {
        String next = "/api/v1/runs?repo=" + repo.replace("/", "%2F") + "&limit=100";
        int rows = 0;
        while (next != null) {
            long t = System.nanoTime();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + next))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
            nanos.add(System.nanoTime() - t);
            assertThat(page.statusCode()).isEqualTo(200);
            rows += page.body().split("\"runId\"", -1).length - 1;
            next = page.headers().firstValue("Link").map(l -> {
                Matcher m = NEXT.matcher(l);
                return m.find() ? m.group(1) : null;
            }).orElse(null);
        }
        return rows;
    }
}
