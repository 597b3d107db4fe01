package dev.selfheal.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.ManagementLogin;
import dev.selfheal.test.SelfhealTest;
import java.net.http.HttpResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Without a GitHub token the service starts, its own GitHub routes are stopped, and health says why (the link
 * from the token to selfheal.github.auto-startup is GitHubAutoStartupTest's).
 */
@SelfhealTest
class NoTokenKeepsGitHubRoutesStoppedTest {

    @DynamicPropertySource
    static void noToken(DynamicPropertyRegistry registry) {
        registry.add("selfheal.github.token", () -> "");
    }

    @LocalManagementPort
    int port;

    @Autowired
    CamelContext camel;

    @Test
    void pollStaysStoppedAndHealthSaysWhy() throws Exception {
        assertThat(camel.getRouteController().getRouteStatus("detection-poll")).isEqualTo(ServiceStatus.Stopped);
        assertThat(camel.getRouteController().getRouteStatus("scheduling-self-trigger"))
                .isEqualTo(ServiceStatus.Stopped);
        assertThat(camel.getRouteController().getRouteStatus("detection-webhook")).isEqualTo(ServiceStatus.Started);

        HttpResponse<String> health = ManagementLogin.get(port, "/actuator/health");
        // the overall status depends on every component (other tests' leftovers in the shared database can make a
        // consumer's health DOWN); this test is about the github component
        assertThat(health.body()).contains("\"github\":{\"status\":\"UNKNOWN\"")
                .contains("neither selfheal.github.token nor selfheal.github.app-id is set");
    }
}
