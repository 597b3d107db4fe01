package dev.selfheal.github;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.SelfhealTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * github-call / github-list against a GitHub stand-in: the standard headers go out, Link pagination is followed
 * to the last page, and a 304 to If-None-Match is answered from the cache without handing items out again.
 */
@SelfhealTest
class GitHubRequestsAndPagingTest {

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("selfheal.github.api-url", github::baseUrl);
        registry.add("selfheal.github.token", () -> "ghp_testTokenForHeaders0123456789abcdefABCD");
    }

    @Autowired
    ProducerTemplate template;

    @org.springframework.boot.test.web.server.LocalManagementPort
    int managementPort;

    @BeforeEach
    void reset() {
        github.resetAll();
    }

    JsonNode run(long id) {
        return GitHubFixtures.workflowRun(github.baseUrl(), "octo-org/octo-repo", id, 1, 7, "CI", "success",
                Instant.parse("2026-11-20T10:00:00Z"), Instant.parse("2026-11-20T10:05:00Z"));
    }

    Exchange list(String path, String query, String itemsField) {
        return template.send("direct:github-list", e -> {
            e.setProperty(GitHubApi.PATH, path);
            e.setProperty(GitHubApi.QUERY, query);
            e.setProperty(GitHubApi.ITEMS_FIELD, itemsField);
        });
    }

    @Test
    void sendsGitHubsStandardHeaders() {
        github.stubFor(get(urlPathEqualTo("/repos/octo-org/octo-repo/actions/runs/1"))
                .willReturn(okJson(GitHubFixtures.json(run(1)))));

        Exchange out = template.send("direct:github-call", e -> {
            e.setProperty(GitHubApi.PATH, "/repos/octo-org/octo-repo/actions/runs/1");
            e.getMessage().setHeader("internalHeader", "must not leak");
        });

        assertThat(out.getException()).isNull();
        assertThat(out.getProperty(GitHubApi.STATUS)).isEqualTo(200);
        assertThat(out.getMessage().getBody(String.class)).contains("\"id\":1");
        github.verify(1, getRequestedFor(urlEqualTo("/repos/octo-org/octo-repo/actions/runs/1"))
                .withHeader("Authorization", equalTo("Bearer ghp_testTokenForHeaders0123456789abcdefABCD"))
                .withHeader("Accept", equalTo("application/vnd.github+json"))
                .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
                .withHeader("internalHeader", absent()));
    }

    @Test
    void postsJsonBodies() {
        github.stubFor(post(urlPathEqualTo("/repos/octo-org/octo-repo/actions/workflows/7/dispatches"))
                .willReturn(aResponse().withStatus(204)));

        Exchange out = template.send("direct:github-call", e -> {
            e.setProperty(GitHubApi.METHOD, "POST");
            e.setProperty(GitHubApi.PATH, "/repos/octo-org/octo-repo/actions/workflows/7/dispatches");
            e.getMessage().setBody(Map.of("ref", "main"));
        });

        assertThat(out.getProperty(GitHubApi.STATUS)).isEqualTo(204);
        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/octo-org/octo-repo/actions/workflows/7/dispatches"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalTo("{\"ref\":\"main\"}")));
    }

    @Test
    void followsLinkPaginationToTheLastPage() {
        String path = "/repos/octo-org/octo-repo/actions/runs";
        github.stubFor(get(urlEqualTo(path + "?per_page=2"))
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.runsPage(run(1), run(2))))
                        .withHeader("Link", "<" + github.baseUrl() + path + "?per_page=2&page=2>; rel=\"next\", <"
                                + github.baseUrl() + path + "?per_page=2&page=3>; rel=\"last\"")));
        github.stubFor(get(urlEqualTo(path + "?per_page=2&page=2"))
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.runsPage(run(3), run(4))))
                        .withHeader("Link", "<" + github.baseUrl() + path + "?per_page=2&page=3>; rel=\"next\", <"
                                + github.baseUrl() + path + "?per_page=2&page=1>; rel=\"first\"")));
        github.stubFor(get(urlEqualTo(path + "?per_page=2&page=3"))
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.runsPage(run(5))))
                        .withHeader("Link", "<" + github.baseUrl() + path + "?per_page=2&page=2>; rel=\"prev\"")));

        Exchange out = list(path, "per_page=2", "workflow_runs");

        @SuppressWarnings("unchecked")
        List<JsonNode> runs = out.getMessage().getBody(List.class);
        assertThat(runs).extracting(r -> r.get("id").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
        github.verify(3, getRequestedFor(urlPathEqualTo(path)));
    }

    @Test
    void notModifiedAnswerComesFromTheCacheAndIsNotProcessedAgain() {
        String path = "/repos/octo-org/octo-repo/actions/runs";
        github.stubFor(get(urlPathEqualTo(path)).withHeader("If-None-Match", equalTo("W/\"abc\"")).atPriority(1)
                .willReturn(aResponse().withStatus(304).withHeader("ETag", "W/\"abc\"")
                        .withHeader("X-RateLimit-Remaining", "4999")));
        github.stubFor(get(urlPathEqualTo(path)).atPriority(5)
                .willReturn(okJson(GitHubFixtures.json(GitHubFixtures.runsPage(run(1), run(2))))
                        .withHeader("ETag", "W/\"abc\"").withHeader("X-RateLimit-Remaining", "4999")));

        Exchange first = list(path, "status=completed", "workflow_runs");
        Exchange second = list(path, "status=completed", "workflow_runs");

        assertThat(first.getMessage().getBody(List.class)).hasSize(2);
        assertThat(first.getProperty(GitHubApi.NOT_MODIFIED)).isEqualTo(false);
        assertThat(second.getProperty(GitHubApi.STATUS)).isEqualTo(304);
        assertThat(second.getProperty(GitHubApi.NOT_MODIFIED)).isEqualTo(true);
        assertThat(second.getMessage().getBody(List.class)).as("nothing handed out again").isEmpty();
        github.verify(1, getRequestedFor(urlPathEqualTo(path)).withHeader("If-None-Match", absent()));
        github.verify(1, getRequestedFor(urlPathEqualTo(path)).withHeader("If-None-Match", equalTo("W/\"abc\"")));

        // a single call still gets the cached body, marked as not modified
        Exchange call = template.send("direct:github-call", e -> {
            e.setProperty(GitHubApi.PATH, path);
            e.setProperty(GitHubApi.QUERY, "status=completed");
        });
        assertThat(call.getProperty(GitHubApi.NOT_MODIFIED)).isEqualTo(true);
        assertThat(call.getMessage().getBody(String.class)).contains("workflow_runs");
    }

    @Test
    void healthShowsWhatGitHubLastSaidOfTheRateLimit() throws Exception {
        github.stubFor(get(urlPathEqualTo("/repos/octo-org/octo-repo/actions/runs/10"))
                .willReturn(okJson(GitHubFixtures.json(run(10))).withHeader("X-RateLimit-Remaining", "4321")));
        template.send("direct:github-call", e -> e.setProperty(GitHubApi.PATH, "/repos/octo-org/octo-repo/actions/runs/10"));

        var health = dev.selfheal.test.ManagementLogin.get(managementPort, "/actuator/health/github");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"rateLimitRemaining\":4321");
    }

    @Test
    void readsTheRateLimitHeaders() {
        github.stubFor(get(urlPathEqualTo("/repos/octo-org/octo-repo/actions/runs/9"))
                .willReturn(okJson(GitHubFixtures.json(run(9))).withHeader("X-RateLimit-Limit", "5000")
                        .withHeader("X-RateLimit-Remaining", "12").withHeader("X-RateLimit-Reset", "1795400000")));

        Exchange out = template.send("direct:github-call",
                e -> e.setProperty(GitHubApi.PATH, "/repos/octo-org/octo-repo/actions/runs/9"));

        RateLimitStatus rate = out.getProperty(GitHubApi.RATE_LIMIT, RateLimitStatus.class);
        assertThat(rate.limit()).isEqualTo(5000);
        assertThat(rate.remaining()).isEqualTo(12);
        assertThat(rate.reset()).isEqualTo(Instant.ofEpochSecond(1795400000L));
        assertThat(rate.exhausted()).isFalse();
    }
}
