package dev.selfheal.evidence;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.test.SelfhealTest;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dry run (route evidence-dry-run, behind {@code evidence collect --dry-run}) lists what a collection would
 * fetch under selfheal.evidence.artifact-patterns, from GitHub's artifact list alone: the WireMock journal shows
 * the list was asked for and no artifact zip or log archive was.
 */
@SelfhealTest
class DryRunListsWithoutDownloadingTest {

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("selfheal.github.api-url", github::baseUrl);
        r.add("selfheal.evidence.artifact-patterns", () -> "dist, test-*");
        r.add("selfheal.evidence.max-artifact-bytes", () -> "200000");
    }

    static final String REPO = "octo-org/octo-repo";

    @Autowired
    ProducerTemplate producer;

    @Test
    void listsWhatWouldBeCollectedAndFetchesNoArtifact() {
        long runId = 7_400_000_001L;
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + runId + "/artifacts")).willReturn(okJson("""
                {"total_count": 4, "artifacts": [
                  {"id": 41, "name": "dist", "size_in_bytes": 1200, "expired": false},
                  {"id": 42, "name": "test-reports", "size_in_bytes": 3400, "expired": false},
                  {"id": 43, "name": "coverage", "size_in_bytes": 500, "expired": false},
                  {"id": 44, "name": "test-videos", "size_in_bytes": 900000000, "expired": false}]}""")));
        github.stubFor(get(urlPathMatching("/repos/.*/actions/artifacts/.*/zip")).willReturn(aResponse().withStatus(200)
                .withBody(new byte[] {1, 2, 3})));

        Exchange answer = producer.request("direct:evidence-dry-run", ex -> {
            ex.setProperty("repository", REPO);
            ex.setProperty("runId", runId);
        });

        assertThat(answer.getException()).isNull();
        List<?> lines = answer.getMessage().getBody(List.class);
        assertThat(lines).map(Object::toString).contains(
                "collect  artifact dist (1200 bytes) -> artifact_dist.zip",
                "collect  artifact test-reports (3400 bytes) -> artifact_test-reports.zip",
                "skip     artifact coverage: matches no selfheal.evidence.artifact-patterns",
                "collect  the run's job logs (sanitized text per job)");
        assertThat(lines).map(Object::toString).anyMatch(l -> l.startsWith("skip     artifact test-videos: 900000000 bytes"));
        assertThat(lines.get(0).toString()).contains("dist,test-*");

        assertThat(github.findAll(anyRequestedFor(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + runId
                + "/artifacts")))).hasSize(1);
        assertThat(github.findAll(anyRequestedFor(urlPathMatching(".*/zip")))).isEmpty();
        assertThat(github.findAll(anyRequestedFor(urlPathMatching(".*/logs")))).isEmpty();
    }
}
