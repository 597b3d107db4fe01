package dev.selfheal.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.test.SelfhealTest;
import dev.selfheal.test.TestPolicies;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A failed GitHub call: 422/403/404 are never retried and go to the dead letter with their status code and
 * category; 5xx are redelivered with back-off (here scaled down by a test policy) and dead-lettered only when
 * the policy's redeliveries run out.
 */
@SelfhealTest
class GitHubFailedCallsTest {

    static final String RERUN = "/repos/octo-org/octo-repo/actions/runs/42/rerun-failed-jobs";

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("selfheal.github.api-url", github::baseUrl);
        registry.add("selfheal.config-dir", () -> TestPolicies.fast().toString());
    }

    @Autowired
    ProducerTemplate template;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void reset() {
        github.resetAll();
    }

    Exchange rerun() {
        return template.send("direct:github-call", e -> {
            e.setProperty(GitHubApi.METHOD, "POST");
            e.setProperty(GitHubApi.PATH, RERUN);
            e.setProperty("repository", "octo-org/octo-repo");
            e.setProperty("runId", 42L);
            e.getMessage().setBody(Map.of());
        });
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "422, configuration, Workflow does not have 'workflow_dispatch' trigger",
            "403, permission, Resource not accessible by integration",
            "404, not_found, Not Found"})
    void neverRetriedAndDeadLetteredWithStatusAndCategory(int status, String category, String message) {
        github.stubFor(post(urlPathEqualTo(RERUN)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"" + message + "\",\"documentation_url\":\"https://docs.github.com\"}")));
        long eventsBefore = deadLetters();

        Exchange out = rerun();

        github.verify(1, postRequestedFor(urlPathEqualTo(RERUN)));
        assertThat(out.getException()).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = out.getProperty("githubFailure", Map.class);
        assertThat(failure).containsEntry("status", status).containsEntry("category", category);
        assertThat((String) failure.get("message")).contains(message);
        assertThat(out.getProperty(GitHubApi.STATUS)).isEqualTo(status);
        assertThat(deadLetters()).isEqualTo(eventsBefore + 1);
        assertThat(jdbc.queryForObject("SELECT payload->>'category' FROM phase4_events WHERE event_type = "
                + "'dead_letter' ORDER BY id DESC LIMIT 1", String.class)).isEqualTo(category);
    }

    @Test
    void badGatewayThenSuccessIsRedelivered() {
        github.stubFor(post(urlPathEqualTo(RERUN)).inScenario("5xx").whenScenarioStateIs(STARTED)
                .willSetStateTo("recovered").willReturn(aResponse().withStatus(502).withBody("Bad Gateway")));
        github.stubFor(post(urlPathEqualTo(RERUN)).inScenario("5xx").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(201).withBody("{}")));
        long eventsBefore = deadLetters();

        Exchange out = rerun();

        github.verify(2, postRequestedFor(urlPathEqualTo(RERUN)));
        assertThat(out.getProperty("githubFailure")).isNull();
        assertThat(out.getProperty(GitHubApi.STATUS)).isEqualTo(201);
        assertThat(deadLetters()).isEqualTo(eventsBefore);
    }

    @Test
    void serverErrorsUntilRedeliveriesRunOutEndInTheDeadLetter() {
        github.stubFor(post(urlPathEqualTo(RERUN)).willReturn(aResponse().withStatus(503)
                .withBody("{\"message\":\"Service Unavailable\"}")));

        Exchange out = rerun();

        // 1 call + 3 redeliveries (policy http.maxRedeliveries)
        github.verify(4, postRequestedFor(urlPathEqualTo(RERUN)));
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = out.getProperty("githubFailure", Map.class);
        assertThat(failure).containsEntry("status", 503).containsEntry("category", "server_error");
    }

    @Test
    void unreachableGitHubIsRedeliveredThenDeadLettered() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Exchange out = template.send("direct:github-call", e -> {
            e.setProperty(GitHubApi.METHOD, "POST");
            e.setProperty(GitHubApi.PAGE_URL, "http://127.0.0.1:" + closedPort + RERUN);
            e.getMessage().setBody(Map.of());
        });

        @SuppressWarnings("unchecked")
        Map<String, Object> failure = out.getProperty("githubFailure", Map.class);
        assertThat(failure).containsEntry("category", "network");
        assertThat((String) failure.get("message")).contains("Connection refused");
    }

    @Test
    void connectionResetIsRedeliveredLikeATimeout() {
        github.stubFor(post(urlPathEqualTo(RERUN))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        Exchange out = rerun();

        github.verify(4, postRequestedFor(urlPathEqualTo(RERUN)));
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = out.getProperty("githubFailure", Map.class);
        assertThat(failure).containsEntry("category", "network");
    }

    long deadLetters() {
        return jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE event_type = 'dead_letter'", Long.class);
    }
}
