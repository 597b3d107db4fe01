package dev.selfheal.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.sanitize.ConfiguredSanitizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An artifact zip is kept byte for byte, so a secret inside it cannot be masked: the scan reports which entry
 * and line hold one, with the rule that found it, beside the zip, without the secret itself; binary entries
 * are skipped with a reason.
 */
class ArtifactZipSecretsAreReportedTest {

    @Test
    void findingsNameEntryLineAndRuleButNotTheSecret(@TempDir Path dir) throws Exception {
        String token = "ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ12";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("reports/junit.xml"));
            zip.write("<testsuite>\n<ok/>\n</testsuite>\n".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("debug/env.txt"));
            zip.write(("PATH=/usr/bin\nCLONE=https://x-access-token:" + token + "@github.com/o/r\n")
                    .getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("bin/tool"));
            zip.write(new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 1});
        }
        Path artifact = dir.resolve("artifact_debug.zip");
        Files.write(artifact, bytes.toByteArray());
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());

        Path report = ArtifactSecretScan.write(artifact, ConfiguredSanitizer.withOwnSecrets(), new ObjectMapper());

        assertThat(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(artifact))).isEqualTo(sha);
        assertThat(report.getFileName().toString()).isEqualTo("artifact_debug.zip.findings.json");
        String text = Files.readString(report);
        assertThat(text).doesNotContain(token);
        JsonNode json = new ObjectMapper().readTree(text);
        assertThat(json.path("scanned_entries").asInt()).isEqualTo(2);
        assertThat(json.path("findings")).hasSize(1);
        assertThat(json.path("findings").get(0).path("entry").asText()).isEqualTo("debug/env.txt");
        assertThat(json.path("findings").get(0).path("line").asInt()).isEqualTo(2);
        assertThat(json.path("findings").get(0).path("rules").size()).isPositive();
        assertThat(json.path("skipped").toString()).contains("bin/tool").contains("binary");
    }

    @Test
    void aFileThatIsNotAZipIsReportedNotFailed(@TempDir Path dir) throws Exception {
        Path artifact = dir.resolve("artifact_random.zip");
        Files.write(artifact, new byte[] {1, 2, 3, 4});

        Path report = ArtifactSecretScan.write(artifact, ConfiguredSanitizer.withOwnSecrets(), new ObjectMapper());

        assertThat(Files.readString(report)).contains("the zip could not be read");
    }
}
