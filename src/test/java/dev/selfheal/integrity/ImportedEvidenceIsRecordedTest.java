package dev.selfheal.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.reports.DayManifest;
import dev.selfheal.reports.ReportFolders;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * import-evidence: earlier manual run folders are copied byte-exact into today's folder under imported/, recorded
 * in its manifest with their SHA-256 as imported (and verify agrees); a text file holding a secret and a hidden
 * file are refused and named, and importing the same folder again overwrites nothing.
 */
class ImportedEvidenceIsRecordedTest {

    @TempDir
    Path dataDir;
    @TempDir
    Path phase3;

    @Test
    void runFoldersAreRecordedAsImportedAndSecretsRefused() throws Exception {
        Path run = Files.createDirectories(phase3.resolve("run-1001"));
        Files.writeString(run.resolve("result.json"), "{\"run_id\": 1001, \"conclusion\": \"failure\"}\n");
        byte[] binary = {0, 1, 2, 3, (byte) 0xff};
        Files.write(run.resolve("screenshot.png"), binary);
        Files.writeString(run.resolve("env.txt"), "GITHUB_TOKEN=ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ12\n");
        Files.writeString(run.resolve(".DS_Store"), "x");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = ImportEvidenceCommand.run(new String[] {phase3.toString(), "--data-dir", dataDir.toString(),
                "--config-dir", "config"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(text).isEqualTo(1);
        assertThat(text).contains("2 file(s) imported, 2 refused").contains("refused  run-1001/env.txt: holds what the "
                + "mask rules call a secret").contains("refused  run-1001/.DS_Store: a hidden file")
                .doesNotContain("ghp_1a2B");
        Path day = dataDir.resolve("docs/reports").resolve(ReportFolders.jstDate(Instant.now()).toString());
        String base = "imported/" + phase3.getFileName() + "/run-1001/";
        assertThat(day.resolve(base + "screenshot.png")).hasBinaryContent(binary);
        assertThat(day.resolve(base + "env.txt")).doesNotExist();

        JsonNode manifest = new ObjectMapper().readTree(day.resolve("_manifest.json").toFile());
        JsonNode result = manifest.path("files").path(base + "result.json");
        assertThat(result.path("source").asText()).isEqualTo("imported");
        assertThat(result.path("sha256").asText()).isEqualTo(DayManifest.sha256(run.resolve("result.json")));
        assertThat(manifest.path("imports").get(0).path("files").asInt()).isEqualTo(2);
        assertThat(manifest.path("imports").get(0).path("refused").toString()).contains("env.txt");

        EvidenceDays.Answer verified = EvidenceDays.verify(dataDir.toString());
        assertThat(verified.exit()).as(verified.out()).isEqualTo(VerifyCommand.VERIFIED);

        // a second import of the same folder changes nothing it already holds
        Files.writeString(run.resolve("result.json"), "{\"edited\": true}\n");
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        ImportEvidenceCommand.run(new String[] {phase3.toString(), "--data-dir", dataDir.toString(),
                "--config-dir", "config"}, Map.of(), new PrintStream(again, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(again.toString(StandardCharsets.UTF_8)).contains("run-1001/result.json: already imported");
        assertThat(Files.readString(day.resolve(base + "result.json"))).contains("\"run_id\": 1001");
    }
}
