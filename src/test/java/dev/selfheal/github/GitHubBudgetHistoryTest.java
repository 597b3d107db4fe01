package dev.selfheal.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.kpi.KpiQueries;
import dev.selfheal.kpi.KpiWindow;
import dev.selfheal.test.SelfhealTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * GitHub's API budget is kept over time: every answer (200, 304, a rate-limited 403) is counted per credential,
 * resource and GitHub's hour window with the lowest remaining GitHub reported, the counts are added to
 * phase4_github_budget (several writes add up, as several instances' would), and the KPI github_budget reads them.
 */
@SelfhealTest
class GitHubBudgetHistoryTest {

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("selfheal.github.api-url", github::baseUrl);
        registry.add("selfheal.github.token", () -> "ghp_testTokenForBudget0123456789abcdefABCDE");
    }

    @Autowired
    ProducerTemplate template;
    @Autowired
    GitHubBudget budget;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    KpiQueries kpis;

    private void call(String path) {
        template.send("direct:github-call", e -> e.setProperty(GitHubApi.PATH, path));
    }

    @Test
    void answersAreCountedPerWindowAndAddUp() {
        // a reset no other test uses: this test's rows are told apart by their window
        long reset = Instant.now().getEpochSecond() + 3600 + (System.nanoTime() % 100_000);
        long searchReset = reset + 1;
        String path = "/repos/budget-org/budget-repo/actions/runs/" + reset;
        github.stubFor(get(urlPathEqualTo(path)).withHeader("If-None-Match", absent())
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withHeader("ETag", "\"b1\"").withHeader("X-RateLimit-Limit", "5000")
                        .withHeader("X-RateLimit-Remaining", "4990").withHeader("X-RateLimit-Reset", "" + reset)
                        .withHeader("X-RateLimit-Resource", "core").withBody("{\"id\":1}")));
        github.stubFor(get(urlPathEqualTo(path)).withHeader("If-None-Match", equalTo("\"b1\""))
                .willReturn(aResponse().withStatus(304).withHeader("X-RateLimit-Limit", "5000")
                        .withHeader("X-RateLimit-Remaining", "4988").withHeader("X-RateLimit-Reset", "" + reset)
                        .withHeader("X-RateLimit-Resource", "core")));
        github.stubFor(get(urlPathEqualTo("/search/issues")).willReturn(aResponse().withStatus(403)
                .withHeader("X-RateLimit-Limit", "30").withHeader("X-RateLimit-Remaining", "0")
                .withHeader("X-RateLimit-Reset", "" + searchReset).withHeader("X-RateLimit-Resource", "search")
                .withBody("{\"message\":\"API rate limit exceeded\"}")));

        call(path);
        call(path);
        call("/search/issues");
        budget.record();
        call(path);
        budget.record();

        Map<String, Object> core = jdbc.queryForMap("SELECT * FROM phase4_github_budget WHERE window_reset = ?",
                Timestamp.from(Instant.ofEpochSecond(reset)));
        assertThat(core).containsEntry("identity", "token").containsEntry("resource", "core")
                .containsEntry("rate_limit", 5000).containsEntry("min_remaining", 4988)
                .containsEntry("requests", 3L).containsEntry("not_modified", 2L).containsEntry("rate_limited", 0L);
        Map<String, Object> search = jdbc.queryForMap("SELECT * FROM phase4_github_budget WHERE window_reset = ?",
                Timestamp.from(Instant.ofEpochSecond(searchReset)));
        assertThat(search).containsEntry("resource", "search").containsEntry("requests", 1L)
                .containsEntry("rate_limited", 1L).containsEntry("min_remaining", 0);

        List<Map<String, Object>> kpi = kpis.rows("github_budget", KpiWindow.endingOn(Instant.now(), 1));
        Map<String, Object> searchKpi = kpi.stream().filter(r -> "token".equals(r.get("identity"))
                && "search".equals(r.get("resource"))).findFirst().orElseThrow();
        assertThat(((Number) searchKpi.get("rate_limited")).longValue()).isPositive();
        assertThat(((Number) searchKpi.get("peak_hour_used")).intValue()).isGreaterThanOrEqualTo(30);
    }
}
