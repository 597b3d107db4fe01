package dev.selfheal.evidence;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.SelfhealTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Collecting one run against a WireMock GitHub: metadata, an artifact and the log zip fetched through GitHub's
 * 302 to a storage URL (without our token), stored under artifacts/<RUN_ID>/ of the next JST day for a run at
 * 23:30 UTC, SHA-256 equal to the bytes served, logs sanitized, _manifest.json/summaries/index written with no
 * broken link; an artifact that fails (404) and one over the size limit are recorded as missing.
 */
@SelfhealTest
class EvidenceCollectionTest {

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("selfheal.github.api-url", github::baseUrl);
        r.add("selfheal.evidence.max-artifact-bytes", () -> "200000");
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
    @Autowired
    EvidenceLinkChecker links;

    @Test
    void collectsRunIntoNextJstDayWithMatchingHashes() throws Exception {
        long runId = 7_100_000_001L;
        Instant completed = Instant.parse("2025-11-14T23:30:00Z");
        jdbc.update("DELETE FROM phase4_events WHERE run_id = ?", runId);
        String api = github.baseUrl();
        ObjectNode run = GitHubFixtures.workflowRun(api, REPO, runId, 1, 55, "CI", "failure",
                completed.minusSeconds(300), completed);
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + runId)).willReturn(okJson(run.toString())));
        String artifacts = """
                {"total_count": 3, "artifacts": [
                  {"id": 11, "name": "test-reports", "size_in_bytes": 50000, "expired": false},
                  {"id": 12, "name": "coverage", "size_in_bytes": 1000, "expired": false},
                  {"id": 13, "name": "huge-dump", "size_in_bytes": 900000000, "expired": false}]}""";
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + runId + "/artifacts"))
                .willReturn(okJson(artifacts)));
        byte[] artifact = new byte[50_000];
        new Random(7).nextBytes(artifact);
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/artifacts/11/zip")).willReturn(aResponse()
                .withStatus(302).withHeader("Location", api + "/storage/artifact-11?sig=abc&se=2025")));
        github.stubFor(get(urlPathEqualTo("/storage/artifact-11")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/zip").withBody(artifact)));
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/artifacts/12/zip")).willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Not Found\"}")));
        Map<String, String> jobs = new LinkedHashMap<>();
        jobs.put("build", "Run ./mvnw -B verify\n[INFO] BUILD FAILURE\nexport TOKEN=ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ12");
        jobs.put("lint", "npm ci\nadded 12 packages");
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + runId + "/logs")).willReturn(aResponse()
                .withStatus(302).withHeader("Location", api + "/storage/logs-" + runId + "?sig=xyz")));
        github.stubFor(get(urlPathEqualTo("/storage/logs-" + runId)).willReturn(aResponse().withStatus(200)
                .withBody(GitHubFixtures.logsZip(jobs, completed))));

        producer.send("direct:evidence-collect", ex -> {
            ex.setProperty("repository", REPO);
            ex.setProperty("runId", runId);
        });

        Path day = properties.reportsDir().resolve("2025-11-15");
        Path runDir = day.resolve("artifacts/" + runId);
        assertThat(runDir.resolve("metadata.json")).exists();
        JsonNode meta = MAPPER.readTree(runDir.resolve("metadata.json").toFile());
        assertThat(meta.get("completed_at").asText()).isEqualTo("2025-11-14T23:30:00Z");
        assertThat(meta.get("duration_seconds").asLong()).isEqualTo(300);
        assertThat(meta.get("conclusion").asText()).isEqualTo("failure");

        Path stored = runDir.resolve("artifact_test-reports.zip");
        assertThat(Files.readAllBytes(stored)).isEqualTo(artifact);
        String expectedSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(artifact));

        assertThat(runDir.resolve("log_0_build.txt")).exists();
        String buildLog = Files.readString(runDir.resolve("log_0_build.txt"));
        assertThat(buildLog).contains("BUILD FAILURE").contains("[MASKED:github-pat]").doesNotContain("ghp_1a2B");
        assertThat(runDir.resolve(".logs.zip")).doesNotExist();

        // the storage host never sees our token
        github.verify(getRequestedFor(urlPathEqualTo("/storage/artifact-11")).withHeader("Authorization", absent()));
        github.verify(getRequestedFor(urlPathEqualTo("/storage/logs-" + runId)).withHeader("Authorization", absent()));
        github.verify(getRequestedFor(urlPathEqualTo("/repos/" + REPO + "/actions/artifacts/11/zip"))
                .withHeader("Authorization", equalTo("Bearer test-token-0123456789")));
        assertThat(github.findAll(getRequestedFor(urlPathEqualTo("/repos/" + REPO + "/actions/artifacts/13/zip"))))
                .isEmpty();

        JsonNode manifest = MAPPER.readTree(day.resolve("_manifest.json").toFile());
        JsonNode entry = manifest.get("entries").get(0);
        assertThat(entry.get("run_id").asLong()).isEqualTo(runId);
        assertThat(entry.get("evidence_type").asText()).isEqualTo("partial");
        assertThat(entry.get("files").findValuesAsText("sha256")).contains(expectedSha);
        assertThat(entry.get("files").findValuesAsText("path")).contains("artifacts/" + runId
                + "/artifact_test-reports.zip", "artifacts/" + runId + "/metadata.json");
        assertThat(entry.get("missing").toString()).contains("coverage: GitHub 404").contains("huge-dump")
                .contains("over the limit");

        Integer missingEvents = jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE event_type = "
                + "'evidence_missing' AND run_id = ? AND payload->>'missing' LIKE '%coverage%'", Integer.class, runId);
        assertThat(missingEvents).isEqualTo(1);

        for (String f : EvidenceSummariesTest.DAY_FILES_ALWAYS) {
            assertThat(day.resolve(f)).exists();
        }
        assertThat(Files.readString(day.resolve("_evidence_index.md")))
                .contains("| " + runId + " |").contains("artifacts/" + runId + "/artifact_test-reports.zip");
        assertThat(MAPPER.readTree(day.resolve("RUNS_SUMMARY.json").toFile()).get("runs").findValuesAsText("run_id"))
                .containsExactly(Long.toString(runId));
        assertThat(links.check(day)).isEmpty();
        Path dayLog = properties.reportsDir().resolve(ReportFolders.jstDate(Instant.now()).toString())
                .resolve("logs/evidence_log_" + ReportFolders.compactDate(Instant.now()) + ".log");
        assertThat(Files.readString(dayLog))
                .contains("run " + REPO + "#" + runId);
    }
}
