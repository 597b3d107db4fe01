package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** GET /api/v1/openapi.json: OpenAPI 3 of the REST DSL's endpoints, for a viewer key only. */
@SelfhealTest
class OpenApiDescribesTheApiTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys keys;

    @Test
    void everyEndpointIsDescribed() throws Exception {
        String key = keys.create("openapi-reader", ManagementRole.VIEWER, null, "test").secret();
        ApiCalls api = new ApiCalls(port);

        assertThat(api.get("/api/v1/openapi.json", null).statusCode()).isEqualTo(401);
        HttpResponse<String> r = api.get("/api/v1/openapi.json", key);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = new ObjectMapper().readTree(r.body());
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("info").path("title").asText()).isEqualTo("Selfheal REST API");
        JsonNode paths = doc.path("paths");
        for (String path : new String[] {"/api/v1/runs", "/api/v1/metrics", "/api/v1/retry-history", "/api/v1/events",
                "/api/v1/audit-tickets", "/api/v1/notifications", "/api/v1/kpi", "/api/v1/reprocess",
                "/api/v1/classify", "/api/v1/keys", "/api/v1/exports/{resource}"}) {
            assertThat(paths.has(path)).as(path + " in " + paths.fieldNames()).isTrue();
        }
        // "Try it out" in Swagger UI calls the server the document names: the one it was loaded from, not the
        // address the service binds (0.0.0.0, which a browser cannot reach)
        assertThat(doc.path("servers").toString()).doesNotContain("0.0.0.0");
    }
}
