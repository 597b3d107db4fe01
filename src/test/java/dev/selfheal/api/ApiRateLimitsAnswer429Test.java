package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Each key has its own minute's allowance, and so has each client address (also for callers without a key): the
 * request past it gets 429 with Retry-After and X-RateLimit-*, and another key is not held up by it.
 */
@SelfhealTest
@TestPropertySource(properties = {"selfheal.api.per-key-per-minute=5", "selfheal.api.per-ip-per-minute=14",
        "selfheal.api.max-body=2KB"})
class ApiRateLimitsAnswer429Test {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys keys;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void perKeyThenPerAddress() throws Exception {
        ApiCalls api = new ApiCalls(port);
        String viewer = keys.create("limited-viewer", ManagementRole.VIEWER, null, "test").secret();
        String operator = keys.create("limited-operator", ManagementRole.OPERATOR, null, "test").secret();

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> ok = api.get("/api/v1/kpi", viewer);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
            assertThat(ok.headers().firstValue("X-RateLimit-Remaining")).hasValue(String.valueOf(4 - i));
        }
        HttpResponse<String> limited = api.get("/api/v1/kpi", viewer);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After").map(Long::parseLong).orElseThrow()).isBetween(1L, 13L);
        assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(limited.headers().firstValue("X-RateLimit-Reset")).isPresent();
        assertThat(new ObjectMapper().readTree(limited.body()).path("type").asText())
                .isEqualTo("urn:selfheal:problem:rate-limited");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_calls WHERE key_id = ? AND status = 429",
                Long.class, ApiKeys.keyIdOf(viewer))).isEqualTo(1);

        // another key is not held up; a body over the size limit is refused before it is read
        assertThat(api.get("/api/v1/kpi", operator).statusCode()).isEqualTo(200);
        assertThat(api.post("/api/v1/classify", operator, "text/plain", "x".repeat(3000)).statusCode()).isEqualTo(413);

        // 8 requests so far from this address; 6 more (without a key) reach the address's allowance of 14
        for (int i = 0; i < 6; i++) {
            assertThat(api.get("/api/v1/runs", null).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> address = api.get("/api/v1/runs", operator);
        assertThat(address.statusCode()).isEqualTo(429);
        assertThat(address.headers().firstValue("Retry-After")).isPresent();
    }
}
