package dev.selfheal.evidence;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.audit.AuditTickets;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.DayManifest;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.SelfhealTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A run whose artifacts carry an in-toto/SLSA statement: the subject's SHA-256 equals the collected binary's
 * (match), or, in a DSSE envelope of an .intoto.jsonl, differs from the binary collected under that name
 * (mismatch). The result is in the evidence_collected payload, in provenance.json beside the artifacts and in the
 * run's audit ticket (JSON and Markdown).
 */
@SelfhealTest
class ProvenanceMatchAndMismatchTest {

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("selfheal.github.api-url", github::baseUrl);
        r.add("selfheal.outbox.evidence.poll-delay", () -> "600s");
    }

    static final String REPO = "octo-org/octo-repo";
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final byte[] APP = "the released binary, build 42\n".getBytes(StandardCharsets.UTF_8);

    @Autowired
    ProducerTemplate producer;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SelfhealProperties properties;
    @Autowired
    AuditTickets tickets;

    @Test
    void statementSubjectMatchesTheCollectedBinary() throws Exception {
        String statement = Files.readString(Path.of("src/test/resources/provenance/provenance-app.json"))
                .replace("${APP_SHA256}", DayManifest.sha256(APP));
        JsonNode provenance = collect(7_300_000_001L, APP, "provenance",
                Map.of("provenance-app.json", statement.getBytes(StandardCharsets.UTF_8)));

        assertThat(provenance.path("status").asText()).isEqualTo("match");
        assertThat(provenance.path("subjects").get(0).path("name").asText()).isEqualTo("app.bin");
        assertThat(provenance.path("subjects").get(0).path("collected").asText()).isEqualTo("artifact_dist.zip!app.bin");
        assertThat(provenance.path("statements").get(0).asText()).isEqualTo("artifact_provenance.zip!provenance-app.json");
    }

    @Test
    void dsseEnvelopeSubjectDiffersFromTheCollectedBinary() throws Exception {
        String statement = Files.readString(Path.of("src/test/resources/provenance/provenance-app.json"))
                .replace("${APP_SHA256}", DayManifest.sha256(APP));
        String envelope = MAPPER.writeValueAsString(Map.of("payloadType", "application/vnd.in-toto+json",
                "payload", Base64.getEncoder().encodeToString(statement.getBytes(StandardCharsets.UTF_8)),
                "signatures", java.util.List.of(Map.of("keyid", "", "sig", "MEUCIQC"))));
        byte[] tampered = "the released binary, build 42, patched afterwards\n".getBytes(StandardCharsets.UTF_8);
        long runId = 7_300_000_002L;
        JsonNode provenance = collect(runId, tampered, "attestation",
                Map.of("app.intoto.jsonl", (envelope + "\n").getBytes(StandardCharsets.UTF_8)));

        assertThat(provenance.path("status").asText()).isEqualTo("mismatch");
        JsonNode subject = provenance.path("subjects").get(0);
        assertThat(subject.path("result").asText()).isEqualTo("mismatch");
        assertThat(subject.path("sha256").asText()).isEqualTo(DayManifest.sha256(APP));
        assertThat(subject.path("collected_sha256").toString()).contains(DayManifest.sha256(tampered));

        // the run's audit ticket says so too
        long eventId = jdbc.queryForObject("INSERT INTO phase4_events (event_type, repository, run_id, run_attempt, "
                + "payload) VALUES ('final_failure', ?, ?, 1, ?::jsonb) RETURNING id", Long.class, REPO, runId,
                "{\"category\": \"deterministic\", \"reason\": \"tests failed\"}");
        ObjectNode payload = (ObjectNode) MAPPER.readTree("{\"category\": \"deterministic\", \"reason\": \"tests failed\"}");
        Path ticket = tickets.write(new Outbox.Event(eventId, "final_failure", REPO, runId, 1, payload, Instant.now(), 0));
        JsonNode written = MAPPER.readTree(ticket.toFile());
        assertThat(written.path("evidence").path("provenance").path("status").asText()).isEqualTo("mismatch");
        assertThat(Files.readString(ticket.resolveSibling(written.path("ticketId").asText() + ".md")))
                .contains("Provenance (subjects' SHA-256 against the collected artifacts): **mismatch**")
                .contains("app.bin mismatch");
    }

    /** Collects a run with two artifacts, dist (app.bin) and one holding the statement; returns its provenance. */
    private JsonNode collect(long runId, byte[] app, String statementArtifact, Map<String, byte[]> statementFiles)
            throws Exception {
        jdbc.update("DELETE FROM phase4_events WHERE run_id = ?", runId);
        Instant completed = Instant.now().minusSeconds(60);
        String api = github.baseUrl();
        ObjectNode run = GitHubFixtures.workflowRun(api, REPO, runId, 1, 55, "release", "failure",
                completed.minusSeconds(300), completed);
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + runId)).willReturn(okJson(run.toString())));
        long distId = runId % 1000 * 10 + 1;
        long statementId = distId + 1;
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + runId + "/artifacts")).willReturn(okJson(
                "{\"total_count\": 2, \"artifacts\": [{\"id\": " + distId + ", \"name\": \"dist\", \"size_in_bytes\": 500, "
                        + "\"expired\": false}, {\"id\": " + statementId + ", \"name\": \"" + statementArtifact
                        + "\", \"size_in_bytes\": 5000, \"expired\": false}]}")));
        Map<String, byte[]> dist = new LinkedHashMap<>();
        dist.put("app.bin", app);
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/artifacts/" + distId + "/zip"))
                .willReturn(aResponse().withStatus(200).withBody(GitHubFixtures.zip(dist))));
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/artifacts/" + statementId + "/zip"))
                .willReturn(aResponse().withStatus(200).withBody(GitHubFixtures.zip(statementFiles))));
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + runId + "/logs")).willReturn(aResponse()
                .withStatus(200).withBody(GitHubFixtures.logsZip(Map.of("build", "ok"), completed))));

        producer.send("direct:evidence-collect", ex -> {
            ex.setProperty("repository", REPO);
            ex.setProperty("runId", runId);
        });

        JsonNode payload = MAPPER.readTree(jdbc.queryForObject("SELECT payload::text FROM phase4_events WHERE "
                + "event_type = 'evidence_collected' AND run_id = ? ORDER BY id DESC LIMIT 1", String.class, runId));
        Path runDir = properties.reportsDir().resolve(payload.path("day").asText()).resolve("artifacts/" + runId);
        JsonNode file = MAPPER.readTree(runDir.resolve("provenance.json").toFile());
        assertThat(file).isEqualTo(payload.path("provenance"));
        return payload.path("provenance");
    }
}
