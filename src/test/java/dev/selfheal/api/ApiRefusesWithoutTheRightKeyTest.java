package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * The API answers only a valid, unrevoked, unexpired key, and only within its role: 401 without one (nothing
 * recorded for the caller), 403 beyond the role (viewer reads, operator also reprocesses, admin also keys);
 * each authenticated call is a row in api_calls and a line in the day's api log.
 */
@SelfhealTest
@TestPropertySource(properties = "selfheal.api.bootstrap-key=" + ApiRefusesWithoutTheRightKeyTest.BOOTSTRAP)
class ApiRefusesWithoutTheRightKeyTest {

    static final String BOOTSTRAP = "bootstrap-admin-key-for-the-role-test-0001";

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys keys;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${selfheal.data-dir}")
    Path dataDir;

    final ObjectMapper mapper = new ObjectMapper();

    long calls(String keyId) {
        return jdbc.queryForObject("SELECT count(*) FROM api_calls WHERE key_id = ?", Long.class, keyId);
    }

    @Test
    void noKeyOrAWrongKeyIs401AndRecordsNothing() throws Exception {
        ApiCalls api = new ApiCalls(port);
        long before = jdbc.queryForObject("SELECT count(*) FROM api_calls", Long.class);

        HttpResponse<String> none = api.get("/api/v1/runs", null);
        HttpResponse<String> wrong = api.get("/api/v1/runs", "shk_aaaaaaaaaaaa_" + "b".repeat(32));
        HttpResponse<String> post = api.post("/api/v1/keys", "not-a-key", "application/json",
                "{\"name\":\"x\",\"role\":\"admin\"}");
        HttpResponse<String> basic = api.send(api.request("/api/v1/runs", null)
                .header("Authorization", "Basic YWRtaW46dGVzdC1hZG1pbi1wYXNzd29yZA=="));

        for (HttpResponse<String> r : new HttpResponse[] {none, wrong, post, basic}) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"selfheal\"");
            assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
            JsonNode problem = mapper.readTree(r.body());
            assertThat(problem.path("status").asInt()).isEqualTo(401);
            assertThat(problem.path("type").asText()).isEqualTo("urn:selfheal:problem:unauthorized");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_calls", Long.class)).isEqualTo(before);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_keys WHERE name = 'x'", Long.class)).isZero();
    }

    @Test
    void eachRoleGetsWhatItMayAndNoMore() throws Exception {
        ApiCalls api = new ApiCalls(port);
        String viewer = keys.create("role-test-viewer", ManagementRole.VIEWER, null, "test").secret();
        String operator = keys.create("role-test-operator", ManagementRole.OPERATOR, null, "test").secret();

        assertThat(api.get("/api/v1/runs", viewer).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/v1/kpi", viewer).statusCode()).isEqualTo(200);
        assertThat(api.post("/api/v1/reprocess", viewer, "text/plain", "octo-org/octo-repo 1\n").statusCode())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/keys", viewer).statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/keys", operator).statusCode()).isEqualTo(403);
        HttpResponse<String> refused = api.post("/api/v1/keys", operator, "application/json",
                "{\"name\":\"sneaky\",\"role\":\"admin\"}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(mapper.readTree(refused.body()).path("type").asText()).isEqualTo("urn:selfheal:problem:forbidden");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_keys WHERE name = 'sneaky'", Long.class)).isZero();

        // the bootstrap admin creates a key through the API: shown once, stored hashed
        HttpResponse<String> created = api.post("/api/v1/keys", BOOTSTRAP, "application/json",
                "{\"name\":\"ci-dashboard\",\"role\":\"operator\",\"expiresInDays\":30}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode key = mapper.readTree(created.body());
        String secret = key.path("key").asText();
        assertThat(secret).matches("shk_[a-z0-9]{12}_[A-Za-z0-9]{32}");
        String hash = jdbc.queryForObject("SELECT key_hash FROM api_keys WHERE key_id = ?", String.class,
                key.path("keyId").asText());
        assertThat(hash).startsWith("{bcrypt}").doesNotContain(secret);
        assertThat(api.get("/api/v1/runs", secret).statusCode()).isEqualTo(200);
        HttpResponse<String> list = api.get("/api/v1/keys", BOOTSTRAP);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("ci-dashboard").doesNotContain("bcrypt").doesNotContain(secret);

        // revoked and expired keys are refused
        assertThat(api.delete("/api/v1/keys/" + key.path("keyId").asText(), BOOTSTRAP).statusCode()).isEqualTo(204);
        assertThat(api.get("/api/v1/runs", secret).statusCode()).isEqualTo(401);
        ApiKeys.Created soon = keys.create("role-test-expiring", ManagementRole.VIEWER, Duration.ofDays(1), "test");
        assertThat(api.get("/api/v1/runs", soon.secret()).statusCode()).isEqualTo(200);
        jdbc.update("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE key_id = ?", soon.key().keyId());
        assertThat(api.get("/api/v1/runs", soon.secret()).statusCode()).isEqualTo(401);

        // every authenticated call is recorded: row and day log line, the route's template
        String viewerId = ApiKeys.keyIdOf(viewer);
        assertThat(jdbc.queryForList("SELECT route || ' ' || status FROM api_calls WHERE key_id = ? ORDER BY id",
                String.class, viewerId)).containsExactly("/api/v1/runs 200", "/api/v1/kpi 200",
                "/api/v1/reprocess 403", "/api/v1/keys 403");
        assertThat(jdbc.queryForObject("SELECT last_used_at IS NOT NULL FROM api_keys WHERE key_id = ?",
                Boolean.class, viewerId)).isTrue();
        try (Stream<Path> files = Files.walk(dataDir)) {
            String log = files.filter(p -> p.getFileName().toString().matches("api_log_\\d{8}\\.log"))
                    .map(p -> {
                        try {
                            return Files.readString(p);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }).reduce("", String::concat);
            assertThat(log).contains("key " + viewerId + " GET /api/v1/runs -> 200")
                    .contains("key " + viewerId + " POST /api/v1/reprocess -> 403");
        }
    }
}
