package dev.selfheal.evidence;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.SelfhealTest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * selfheal.evidence.artifact-patterns in a real collection: an artifact whose name matches no pattern is not
 * downloaded (WireMock journal), not reported missing, and named in the evidence as not selected.
 */
@SelfhealTest
class ArtifactPatternsChooseWhatIsCollectedTest {

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("selfheal.github.api-url", github::baseUrl);
        r.add("selfheal.evidence.artifact-patterns", () -> "dist");
        r.add("selfheal.outbox.evidence.poll-delay", () -> "600s");
    }

    static final String REPO = "octo-org/octo-repo";
    static final ObjectMapper MAPPER = new ObjectMapper();

    @Autowired
    ProducerTemplate producer;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SelfhealProperties properties;

    @Test
    void onlyMatchingArtifactsAreDownloaded() throws Exception {
        long runId = 7_400_000_002L;
        jdbc.update("DELETE FROM phase4_events WHERE run_id = ?", runId);
        Instant completed = Instant.now().minusSeconds(60);
        ObjectNode run = GitHubFixtures.workflowRun(github.baseUrl(), REPO, runId, 1, 9, "CI", "failure",
                completed.minusSeconds(100), completed);
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + runId)).willReturn(okJson(run.toString())));
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + runId + "/artifacts")).willReturn(okJson(
                "{\"total_count\": 2, \"artifacts\": [{\"id\": 51, \"name\": \"dist\", \"size_in_bytes\": 100, "
                        + "\"expired\": false}, {\"id\": 52, \"name\": \"coverage\", \"size_in_bytes\": 100, \"expired\": false}]}")));
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/artifacts/51/zip")).willReturn(aResponse()
                .withStatus(200).withBody(GitHubFixtures.zip(Map.of("app.bin", new byte[] {7, 7})))));
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/artifacts/52/zip")).willReturn(aResponse()
                .withStatus(200).withBody(GitHubFixtures.zip(Map.of("cov.xml", new byte[] {8})))));
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + runId + "/logs")).willReturn(aResponse()
                .withStatus(200).withBody(GitHubFixtures.logsZip(Map.of("build", "ok"), completed))));

        producer.send("direct:evidence-collect", ex -> {
            ex.setProperty("repository", REPO);
            ex.setProperty("runId", runId);
        });

        github.verify(1, getRequestedFor(urlPathEqualTo("/repos/" + REPO + "/actions/artifacts/51/zip")));
        github.verify(0, getRequestedFor(urlPathEqualTo("/repos/" + REPO + "/actions/artifacts/52/zip")));
        JsonNode payload = MAPPER.readTree(jdbc.queryForObject("SELECT payload::text FROM phase4_events WHERE "
                + "event_type = 'evidence_collected' AND run_id = ? ORDER BY id DESC LIMIT 1", String.class, runId));
        assertThat(payload.path("not_selected").toString()).isEqualTo("[\"coverage\"]");
        assertThat(payload.path("missing").toString()).doesNotContain("coverage");
        assertThat(payload.path("evidence_type").asText()).isEqualTo("complete");
        Path runDir = properties.reportsDir().resolve(payload.path("day").asText()).resolve("artifacts/" + runId);
        assertThat(runDir.resolve("artifact_dist.zip")).exists();
        assertThat(runDir.resolve("artifact_coverage.zip")).doesNotExist();
    }
}
