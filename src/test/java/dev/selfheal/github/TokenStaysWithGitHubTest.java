package dev.selfheal.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.test.SelfhealTest;
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
 * Our token goes only to the configured GitHub API: a Link header or a download redirect naming another host
 * is not followed (paging stops and says why; the download is dead-lettered as untrusted_host), and that host
 * receives nothing at all.
 */
@SelfhealTest
class TokenStaysWithGitHubTest {

    static final String TOKEN = "ghp_testTokenForHeaders0123456789abcdefABCD";

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static WireMockExtension elsewhere = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("selfheal.github.api-url", github::baseUrl);
        registry.add("selfheal.github.token", () -> TOKEN);
    }

    @Autowired
    ProducerTemplate template;

    @BeforeEach
    void reset() {
        github.resetAll();
        elsewhere.resetAll();
        elsewhere.stubFor(get(anyUrl()).willReturn(okJson("{\"workflow_runs\":[{\"id\":666}]}")));
    }

    @Test
    void linkToAnotherHostEndsPagingWithoutTheToken() {
        github.stubFor(get(urlPathEqualTo("/repos/octo-org/octo-repo/actions/runs")).willReturn(okJson(
                "{\"workflow_runs\":[{\"id\":1}]}").withHeader("Link", "<" + elsewhere.baseUrl()
                + "/repos/octo-org/octo-repo/actions/runs?page=2>; rel=\"next\"")));

        Exchange out = template.send("direct:github-list", e -> {
            e.setProperty(GitHubApi.PATH, "/repos/octo-org/octo-repo/actions/runs");
            e.setProperty(GitHubApi.ITEMS_FIELD, "workflow_runs");
        });

        @SuppressWarnings("unchecked")
        List<JsonNode> items = out.getMessage().getBody(List.class);
        assertThat(items).extracting(i -> i.path("id").asLong()).containsExactly(1L);
        assertThat(out.getProperty(GitHubApi.PAGING_STOPPED, String.class)).contains("outside")
                .contains(":" + elsewhere.getPort());
        elsewhere.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void downloadRedirectedToAnotherHostIsNotFollowed() {
        github.stubFor(get(urlPathEqualTo("/repos/octo-org/octo-repo/actions/jobs/7/logs")).willReturn(
                aResponse().withStatus(302).withHeader("Location", elsewhere.baseUrl() + "/logs/7?sig=abc")));

        Exchange out = template.send("direct:github-download", e -> {
            e.setProperty(GitHubApi.PATH, "/repos/octo-org/octo-repo/actions/jobs/7/logs");
            e.setProperty("repository", "octo-org/octo-repo");
        });

        @SuppressWarnings("unchecked")
        Map<String, Object> failure = out.getProperty("githubFailure", Map.class);
        assertThat(failure).containsEntry("category", "untrusted_host");
        assertThat(String.valueOf(failure.get("message"))).contains("not in selfheal.github.download-hosts");
        elsewhere.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void hostRulesFollowTheConfiguredApi() {
        GitHubHosts hosts = new GitHubHosts(java.net.URI.create("https://ghe.example.com/api/v3"),
                List.of("*.actions.githubusercontent.com", "objects.githubusercontent.com"));

        assertThat(hosts.withinApi("https://ghe.example.com/api/v3/repos/a/b/actions/runs?page=2")).isTrue();
        assertThat(hosts.withinApi("https://ghe.example.com/other/repos")).isFalse();
        assertThat(hosts.withinApi("http://ghe.example.com/api/v3/repos")).isFalse();
        assertThat(hosts.withinApi("https://ghe.example.com:8443/api/v3/repos")).isFalse();
        assertThat(hosts.withinApi("https://ghe.example.com.evil.test/api/v3/repos")).isFalse();
        assertThat(hosts.downloadAllowed("https://pipelines.actions.githubusercontent.com/x?sig=1")).isTrue();
        assertThat(hosts.downloadAllowed("https://objects.githubusercontent.com/x")).isTrue();
        assertThat(hosts.downloadAllowed("https://evilactions.githubusercontent.com.test/x")).isFalse();
        assertThat(hosts.downloadAllowed("http://pipelines.actions.githubusercontent.com/x")).isFalse();
        assertThat(hosts.downloadAllowed("https://ghe.example.com/storage/x")).isTrue();
    }
}
