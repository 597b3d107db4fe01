package dev.selfheal.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.api.ApiKeys;
import dev.selfheal.mode.OperatingMode;
import dev.selfheal.security.ManagementRole;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * GET|POST /api/v1/killswitch and /api/v1/mode: a viewer's key reads the state, an operator's key engages and
 * releases the switch and switches observe/act, each recorded with the key as the actor; a viewer cannot change
 * them (403) and a second release is a 409 that changes nothing.
 */
class KillSwitchAndModeOverTheApiTest extends KillSwitchTest {

    @Autowired
    ApiKeys keys;
    @Autowired
    OperatingMode mode;

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper mapper = new ObjectMapper();

    private HttpResponse<String> call(String method, String path, String key, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key);
        b = json == null ? b.GET() : b.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anOperatorsKeyEngagesReleasesAndSwitchesModeAViewersOnlyReads() throws Exception {
        String viewer = keys.create("ks-viewer", ManagementRole.VIEWER, null, "test").secret();
        String operator = keys.create("ks-operator", ManagementRole.OPERATOR, null, "test").secret();
        String engage = "{\"action\":\"engage\",\"reason\":\"runner fleet migration\"}";

        assertThat(call("POST", "/api/v1/killswitch", viewer, engage).statusCode()).isEqualTo(403);
        assertThat(killSwitch.engaged()).isFalse();

        HttpResponse<String> engaged = call("POST", "/api/v1/killswitch", operator, engage);
        assertThat(engaged.statusCode()).as(engaged.body()).isEqualTo(200);
        assertThat(killSwitch.engaged()).isTrue();
        JsonNode read = mapper.readTree(call("GET", "/api/v1/killswitch", viewer, null).body());
        assertThat(read.path("engaged").asBoolean()).isTrue();
        assertThat(read.path("reason").asText()).isEqualTo("runner fleet migration");
        Map<String, Object> row = jdbc.queryForMap("SELECT id, trigger, actor FROM phase4_killswitch_log WHERE "
                + "released_at IS NULL");
        assertThat(row).containsEntry("trigger", "api");
        assertThat((String) row.get("actor")).startsWith("api key ");

        String release = "{\"action\":\"release\",\"reason\":\"migration done\"}";
        assertThat(call("POST", "/api/v1/killswitch", operator, release).statusCode()).isEqualTo(200);
        assertThat(killSwitch.engaged()).isFalse();
        assertThat(call("POST", "/api/v1/killswitch", operator, release).statusCode()).isEqualTo(409);
        assertThat(call("POST", "/api/v1/killswitch", operator, "{\"action\":\"explode\",\"reason\":\"x\"}")
                .statusCode()).isEqualTo(400);

        try {
            assertThat(call("POST", "/api/v1/mode", viewer, "{\"mode\":\"observe\",\"reason\":\"trial\"}")
                    .statusCode()).isEqualTo(403);
            // a reason of this run's own, so a database that ran this test before does not count twice
            String reason = "a week's trial " + System.nanoTime();
            HttpResponse<String> observe = call("POST", "/api/v1/mode", operator,
                    "{\"mode\":\"observe\",\"reason\":\"" + reason + "\"}");
            assertThat(observe.statusCode()).as(observe.body()).isEqualTo(200);
            assertThat(mode.observe()).isTrue();
            assertThat(mapper.readTree(call("GET", "/api/v1/mode", viewer, null).body()).path("mode").asText())
                    .isEqualTo("observe");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_mode_log WHERE actor LIKE 'api key %' AND "
                    + "reason = ?", Long.class, reason)).isEqualTo(1);
        } finally {
            mode.set(OperatingMode.ACT, "test over", "test", "api");
        }
    }
}
