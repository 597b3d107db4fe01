package dev.selfheal.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.SelfhealTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * The kill switch's foundation: routes are MBeans of the context "selfheal", so Hawtio (and anything speaking
 * Jolokia) can stop and start them; Hawtio's console is served at /actuator/hawtio on the management port.
 */
@SelfhealTest
@DisableJmx(false) // Camel's test support turns JMX off by default; the service runs with it on
class RoutesStopFromJolokiaTest {

    @LocalManagementPort
    int port;

    @Autowired
    CamelContext camel;

    final HttpClient http = HttpClient.newHttpClient();

    String jolokia(String json) throws Exception {
        return dev.selfheal.test.ManagementLogin.jolokia(port, json);
    }

    @Test
    void retryDispatchIsStoppedAndStartedOverJolokia() throws Exception {
        String mbean = "org.apache.camel:context=selfheal,type=routes,name=\\\"retry-dispatch\\\"";
        assertThat(camel.getRouteController().getRouteStatus("retry-dispatch")).isEqualTo(ServiceStatus.Started);

        String stop = jolokia("{\"type\":\"exec\",\"mbean\":\"" + mbean + "\",\"operation\":\"stop()\"}");
        assertThat(stop).contains("\"status\":200");
        assertThat(camel.getRouteController().getRouteStatus("retry-dispatch")).isEqualTo(ServiceStatus.Stopped);
        assertThat(jolokia("{\"type\":\"read\",\"mbean\":\"" + mbean + "\",\"attribute\":\"State\"}"))
                .contains("\"value\":\"Stopped\"");

        String start = jolokia("{\"type\":\"exec\",\"mbean\":\"" + mbean + "\",\"operation\":\"start()\"}");
        assertThat(start).contains("\"status\":200");
        assertThat(camel.getRouteController().getRouteStatus("retry-dispatch")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void contextIsNamedSelfheal() {
        assertThat(camel.getName()).isEqualTo("selfheal");
    }

    @Test
    void everyRouteHasAModuleStepIdAndHawtioIsServed() throws Exception {
        assertThat(camel.getRoutes()).extracting(r -> r.getRouteId())
                .allSatisfy(id -> assertThat(id).matches("(github|detection|retry|recovery|scheduling|notification"
                        + "|audit|evidence|killswitch)-[a-z0-9-]+"))
                .contains("detection-webhook", "detection-poll", "retry-decide", "retry-dispatch", "recovery-check",
                        "notification-slack", "audit-ticket", "evidence-collect", "evidence-inbox");
        HttpResponse<String> hawtio = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/hawtio/")).header("Authorization", "Basic "
                + java.util.Base64.getEncoder().encodeToString("admin:test-admin-password".getBytes())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(hawtio.statusCode()).isEqualTo(200);
        assertThat(hawtio.body()).containsIgnoringCase("hawtio");
    }
}
