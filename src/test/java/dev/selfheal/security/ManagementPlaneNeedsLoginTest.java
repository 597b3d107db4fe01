package dev.selfheal.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.SelfhealTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The probes of an attacker on the network: actuator, Hawtio and Jolokia are not on the public port; on the
 * management port they need a login; and even an admin's Jolokia cannot read configuration through Camel,
 * write files, run diagnostic commands or be driven from another site's page.
 */
@SelfhealTest
@DisableJmx(false)
class ManagementPlaneNeedsLoginTest {

    static final String ADMIN = "admin:test-admin-password";
    static final String CONTEXT = "org.apache.camel:context=selfheal,type=context,name=\\\"selfheal\\\"";
    static final String ROUTE = "org.apache.camel:context=selfheal,type=routes,name=\\\"retry-dispatch\\\"";

    @LocalServerPort
    int publicPort;

    @LocalManagementPort
    int managementPort;

    @Autowired
    CamelContext camel;

    @Autowired
    ManagementUsers users;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(int port, String path, String login) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (login != null) {
            b.header("Authorization", basic(login));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> jolokia(String json, String login, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/jolokia")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (login != null) {
            b.header("Authorization", basic(login));
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String login) {
        return "Basic " + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void thePublicPortServesNoManagement() throws Exception {
        assertThat(managementPort).isNotEqualTo(publicPort);
        for (String path : new String[] {"/actuator/jolokia", "/actuator/hawtio/", "/actuator/health",
                "/actuator/env", "/jolokia"}) {
            HttpResponse<String> answer = get(publicPort, path, ADMIN);
            assertThat(answer.statusCode()).as(path).isIn(401, 403, 404);
            assertThat(answer.body()).as(path).doesNotContain("\"status\":200").doesNotContain("<html");
        }
    }

    @Test
    void jolokiaAndHawtioNeedALogin() throws Exception {
        assertThat(jolokia("{\"type\":\"version\"}", null, null).statusCode()).isEqualTo(401);
        assertThat(jolokia("{\"type\":\"version\"}", "admin:wrong-password", null).statusCode()).isEqualTo(401);
        assertThat(get(managementPort, "/actuator/hawtio/", null).statusCode()).isIn(302, 401);
        assertThat(jolokia("{\"type\":\"version\"}", ADMIN, null).body()).contains("\"status\":200");
    }

    @Test
    void anAdminCannotReadTheTokenThroughCamel() throws Exception {
        String body = jolokia("{\"type\":\"exec\",\"mbean\":\"" + CONTEXT + "\",\"operation\":"
                + "\"requestBody(java.lang.String,java.lang.Object)\",\"arguments\":"
                + "[\"language:simple:${properties:selfheal.github.token}\",\"x\"]}", ADMIN, null).body();

        assertThat(body).doesNotContain("test-token-0123456789").doesNotContain("\"status\":200")
                .contains("\"status\":403");
    }

    @Test
    void anAdminCannotWriteFilesOrRunDiagnostics(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path target = dir.resolve("planted.yaml");
        String send = jolokia("{\"type\":\"exec\",\"mbean\":\"" + CONTEXT + "\",\"operation\":"
                + "\"sendBody(java.lang.String,java.lang.Object)\",\"arguments\":[\"file:" + dir
                + "?fileName=planted.yaml\",\"- route: {}\"]}", ADMIN, null).body();
        String diagnostic = jolokia("{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\","
                + "\"operation\":\"vmSystemProperties()\"}", ADMIN, null).body();
        String write = jolokia("{\"type\":\"write\",\"mbean\":\"" + ROUTE + "\",\"attribute\":\"Tracing\","
                + "\"value\":true}", ADMIN, null).body();
        String addRoutes = jolokia("{\"type\":\"exec\",\"mbean\":\"" + CONTEXT + "\",\"operation\":"
                + "\"addOrUpdateRoutesFromXml(java.lang.String)\",\"arguments\":[\"<routes/>\"]}", ADMIN, null).body();
        boolean proxied;
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(1_000);
            jolokia("{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"HeapMemoryUsage\","
                    + "\"target\":{\"url\":\"service:jmx:rmi:///jndi/rmi://127.0.0.1:" + listener.getLocalPort()
                    + "/jmxrmi\"}}", ADMIN, null);
            try (java.net.Socket ignored = listener.accept()) {
                proxied = true;
            } catch (java.net.SocketTimeoutException e) {
                proxied = false;
            }
        }

        assertThat(Files.exists(target)).isFalse();
        assertThat(send).contains("\"status\":403");
        assertThat(diagnostic).contains("\"status\":403").doesNotContain("java.version");
        assertThat(write).contains("\"status\":403");
        assertThat(addRoutes).contains("\"status\":403");
        assertThat(proxied).as("Jolokia opened a connection to the JMX address a caller named").isFalse();
    }

    @Test
    void operatorsStopAndStartRoutesViewersOnlyRead() throws Exception {
        users.save("viewer-test", "viewer-password", ManagementRole.VIEWER);
        String stop = "{\"type\":\"exec\",\"mbean\":\"" + ROUTE + "\",\"operation\":\"stop()\"}";
        String start = "{\"type\":\"exec\",\"mbean\":\"" + ROUTE + "\",\"operation\":\"start()\"}";

        assertThat(jolokia(stop, "viewer-test:viewer-password", null).body()).contains("\"status\":403");
        assertThat(camel.getRouteController().getRouteStatus("retry-dispatch")).isEqualTo(ServiceStatus.Started);
        assertThat(jolokia("{\"type\":\"read\",\"mbean\":\"" + ROUTE + "\",\"attribute\":\"State\"}",
                "viewer-test:viewer-password", null).body()).contains("\"value\":\"Started\"");

        assertThat(jolokia(stop, ADMIN, null).body()).contains("\"status\":200");
        assertThat(camel.getRouteController().getRouteStatus("retry-dispatch")).isEqualTo(ServiceStatus.Stopped);
        assertThat(jolokia(start, ADMIN, null).body()).contains("\"status\":200");
        assertThat(camel.getRouteController().getRouteStatus("retry-dispatch")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void anotherSitesPageCannotDriveJolokia() throws Exception {
        String stop = "{\"type\":\"exec\",\"mbean\":\"" + ROUTE + "\",\"operation\":\"stop()\"}";

        HttpResponse<String> answer = jolokia(stop, ADMIN, "https://evil.example");

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(camel.getRouteController().getRouteStatus("retry-dispatch")).isEqualTo(ServiceStatus.Started);
        HttpResponse<String> own = jolokia("{\"type\":\"version\"}", ADMIN, "http://127.0.0.1:" + managementPort);
        assertThat(own.body()).contains("\"status\":200");
        assertThat(own.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void healthShowsDetailsOnlyToALoginProbesAreOpen() throws Exception {
        HttpResponse<String> anonymous = get(managementPort, "/actuator/health", null);
        assertThat(anonymous.statusCode()).isIn(200, 503);
        assertThat(anonymous.body()).doesNotContain("components").doesNotContain("github");
        assertThat(get(managementPort, "/actuator/health", ADMIN).body()).contains("components");
        assertThat(get(managementPort, "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        assertThat(get(managementPort, "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
    }

    @Test
    void passwordsAreStoredHashed() {
        users.save("hash-check", "a-password-in-clear", ManagementRole.OPERATOR);
        String stored = users.loadUserByUsername("hash-check").getPassword();
        assertThat(stored).startsWith("{bcrypt}").doesNotContain("a-password-in-clear");
    }
}
