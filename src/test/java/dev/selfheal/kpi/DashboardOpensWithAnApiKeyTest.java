package dev.selfheal.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.api.ApiKeys;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * An API key opens the Observer dashboard on the management port, and only the dashboard: as a bearer token on
 * one request, or exchanged at /dashboard/key for a browser session. A wrong or revoked key is refused, and a key
 * (even an admin's) does not open Hawtio, Jolokia or actuator.
 */
@SelfhealTest
class DashboardOpensWithAnApiKeyTest {

    @Autowired
    ApiKeys keys;
    @LocalManagementPort
    int managementPort;

    private HttpResponse<String> get(HttpClient http, String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBearerKeyOpensTheDashboardOnly() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String viewer = keys.create("wall-screen", ManagementRole.VIEWER, null, "test").secret();
        String admin = keys.create("dash-admin", ManagementRole.ADMIN, null, "test").secret();

        HttpResponse<String> data = get(http, "/dashboard/data.json?days=7", viewer);
        assertThat(data.statusCode()).isEqualTo(200);
        assertThat(data.body()).contains("\"summary\"", "\"control\"", "\"githubBudget\"");
        assertThat(get(http, "/dashboard", viewer).body()).contains("Selfheal Observer");
        // no session was made for a bearer request
        assertThat(data.headers().firstValue("Set-Cookie")).isEmpty();

        assertThat(get(http, "/dashboard/data.json", null).statusCode()).isIn(302, 401);
        HttpResponse<String> wrong = get(http, "/dashboard/data.json", viewer + "x");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(viewer);

        for (String key : new String[] {viewer, admin}) {
            assertThat(get(http, "/actuator/prometheus", key).statusCode()).isIn(302, 401, 403);
            assertThat(get(http, "/actuator/jolokia/read/java.lang:type=Memory", key).statusCode())
                    .isIn(302, 401, 403);
            assertThat(get(http, "/actuator/hawtio/", key).statusCode()).isIn(302, 401, 403);
        }

        String keyId = keys.authenticate(viewer).orElseThrow().keyId();
        keys.revoke(keyId, "test");
        assertThat(get(http, "/dashboard/data.json", viewer).statusCode()).isEqualTo(401);
    }

    @Test
    void theKeyFormGivesABrowserADashboardSession() throws Exception {
        String viewer = keys.create("wall-browser", ManagementRole.VIEWER, null, "test").secret();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

        assertThat(get(browser, "/dashboard/key", null).body()).contains("<form method=\"post\"");
        HttpResponse<String> refused = post(browser, "not-a-key");
        assertThat(refused.statusCode()).isEqualTo(303);
        assertThat(refused.headers().firstValue("Location")).hasValue("/dashboard/key?error");
        assertThat(get(browser, "/dashboard/data.json", null).statusCode()).isIn(302, 401);

        HttpResponse<String> accepted = post(browser, viewer);
        assertThat(accepted.statusCode()).isEqualTo(303);
        assertThat(accepted.headers().firstValue("Location")).hasValue("/dashboard");
        assertThat(get(browser, "/dashboard/data.json", null).statusCode()).isEqualTo(200);
        assertThat(get(browser, "/dashboard", null).body()).contains("Selfheal Observer");
        // the session is the dashboard's only
        assertThat(get(browser, "/actuator/prometheus", null).statusCode()).isIn(302, 401, 403);
        assertThat(get(browser, "/actuator/hawtio/", null).statusCode()).isIn(302, 401, 403);
    }

    private HttpResponse<String> post(HttpClient http, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/dashboard/key"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("key=" + URLEncoder.encode(key, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
