package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Filters are values, never SQL: injection attempts find nothing, change nothing and break nothing; a filter an
 * endpoint does not have, a bad time, limit or cursor is a 400 problem that does not repeat the caller's text.
 */
@SelfhealTest
class ApiFiltersAreBoundParametersTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys keys;

    @Autowired
    JdbcTemplate jdbc;

    final ObjectMapper mapper = new ObjectMapper();

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void injectionAttemptsAreJustValues() throws Exception {
        String repo = "inject/r" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.update("INSERT INTO phase4_metrics (run_id, repository, conclusion) VALUES (?, ?, 'failure')",
                Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1_000_000_000_000L), repo);
        long runs = jdbc.queryForObject("SELECT count(*) FROM phase4_metrics", Long.class);
        String key = keys.create("injector", ManagementRole.VIEWER, null, "test").secret();
        ApiCalls api = new ApiCalls(port);

        for (String attempt : List.of(repo + "' OR '1'='1", "' OR 1=1 --", repo + "'; DROP TABLE phase4_metrics; --",
                "x' UNION SELECT key_hash FROM api_keys --", repo + "\\'", "%' OR repository LIKE '%")) {
            for (String endpoint : List.of("/api/v1/runs?repo=", "/api/v1/metrics?repo=",
                    "/api/v1/runs?conclusion=", "/api/v1/events?type=", "/api/v1/retry-history?status=")) {
                HttpResponse<String> r = api.get(endpoint + q(attempt), key);
                assertThat(r.statusCode()).as(endpoint + attempt).isEqualTo(200);
                assertThat(mapper.readTree(r.body()).path("items")).as(endpoint + attempt).isEmpty();
            }
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_metrics", Long.class)).isEqualTo(runs);
        JsonNode exact = mapper.readTree(api.get("/api/v1/runs?repo=" + q(repo), key).body()).path("items");
        assertThat(exact).hasSize(1);
    }

    @Test
    void badParametersAre400WithoutEchoingThem() throws Exception {
        String key = keys.create("bad-params", ManagementRole.VIEWER, null, "test").secret();
        ApiCalls api = new ApiCalls(port);
        String marker = "<script>zz9</script>";

        for (String path : List.of("/api/v1/events?workflow=" + q(marker), "/api/v1/runs?from=" + q(marker),
                "/api/v1/runs?limit=0", "/api/v1/runs?limit=" + q(marker), "/api/v1/runs?cursor=" + q(marker),
                "/api/v1/runs?cursor=aWQ6eA", "/api/v1/kpi?to=" + q(marker))) {
            HttpResponse<String> r = api.get(path, key);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            JsonNode problem = mapper.readTree(r.body());
            assertThat(problem.path("status").asInt()).isEqualTo(400);
            assertThat(problem.path("detail").asText()).isNotEmpty();
            assertThat(r.body()).doesNotContain("zz9");
            assertThat(r.headers().map().toString()).doesNotContain("zz9");
        }
    }
}
