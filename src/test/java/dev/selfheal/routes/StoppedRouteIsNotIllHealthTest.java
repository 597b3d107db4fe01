package dev.selfheal.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.ManagementLogin;
import dev.selfheal.test.SelfhealTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * An operator stops a route (the kill switch): that is a decision, not ill health. Health, liveness and
 * readiness stay UP, and health's details say which route is stopped, by whom and when.
 */
@SelfhealTest
@DisableJmx(false)
class StoppedRouteIsNotIllHealthTest {

    @LocalManagementPort
    int port;

    @Autowired
    CamelContext camel;

    final HttpClient http = HttpClient.newHttpClient();

    String jolokia(String json) throws Exception {
        return ManagementLogin.jolokia(port, json);
    }

    int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void aRouteStoppedByAnOperatorKeepsTheServiceHealthy() throws Exception {
        String mbean = "org.apache.camel:context=selfheal,type=routes,name=\\\"retry-dispatch\\\"";
        try {
            assertThat(jolokia("{\"type\":\"exec\",\"mbean\":\"" + mbean + "\",\"operation\":\"stop()\"}"))
                    .contains("\"status\":200");

            HttpResponse<String> health = ManagementLogin.get(port, "/actuator/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).startsWith("{\"status\":\"UP\"");
            assertThat(health.body()).contains("\"stoppedRoutes\"").contains("retry-dispatch")
                    .contains("\"by\":\"admin\"");
            assertThat(status("/actuator/health/liveness")).isEqualTo(200);
            assertThat(status("/actuator/health/readiness")).isEqualTo(200);
        } finally {
            jolokia("{\"type\":\"exec\",\"mbean\":\"" + mbean + "\",\"operation\":\"start()\"}");
        }
        assertThat(ManagementLogin.get(port, "/actuator/health").body()).doesNotContain("retry-dispatch");
    }
}
