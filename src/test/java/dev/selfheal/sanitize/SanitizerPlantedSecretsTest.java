package dev.selfheal.sanitize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.reports.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rule and every encoding of an own secret is masked in a file, a Slack payload and an issue body, and
 * the mask names the rule; a rescan of the output finds nothing.
 */
class SanitizerPlantedSecretsTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    final Sanitizer sanitizer = ConfiguredSanitizer.withOwnSecrets();

    static Map<String, String> corpus() {
        Map<String, String> all = new LinkedHashMap<>(PlantedSecrets.byRule());
        all.putAll(PlantedSecrets.ownSecretVariants());
        return all;
    }

    @Test
    void everyPlantedSecretIsMaskedInText() {
        corpus().forEach((secret, line) -> {
            String out = sanitizer.release(line, "test");
            assertThat(out).as(line).doesNotContain(secret).contains("[MASKED:");
            // no piece of the secret long enough to be useful is left either
            String core = secret.replaceAll("\\s", "");
            assertThat(out.replaceAll("\\s", "")).as(line).doesNotContain(core.substring(0, Math.min(core.length(),
                    12)) + core.substring(Math.min(core.length(), 12), Math.min(core.length(), 16)));
            assertThat(sanitizer.findings(out)).as(out).isEmpty();
        });
    }

    @Test
    void masksNameTheRule() {
        assertThat(sanitizer.sanitize("x ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ12")).isEqualTo("x [MASKED:github-pat]");
        assertThat(sanitizer.sanitize("k " + PlantedSecrets.SUPABASE_SERVICE_ROLE))
                .isEqualTo("k [MASKED:supabase-service-role-key]");
        assertThat(sanitizer.sanitize("k " + PlantedSecrets.JWT_PLAIN)).isEqualTo("k [MASKED:jwt]");
        assertThat(sanitizer.sanitize("DATABASE_URL=postgresql://app:Sup3rS3cretPgPw@db:5432/app"))
                .isEqualTo("DATABASE_URL=postgresql://app:[MASKED:postgres-url-password]@db:5432/app");
        assertThat(sanitizer.sanitize("echo " + ConfiguredSanitizer.GITHUB_TOKEN)).isEqualTo("echo [MASKED:selfheal-secret]");
    }

    @Test
    void wholeCorpusAsOneLogFileIsMaskedOnDisk(@TempDir Path dir) throws Exception {
        StringBuilder log = new StringBuilder();
        corpus().values().forEach(line -> log.append("2025-11-14T00:00:00.0000000Z ").append(line).append('\n'));
        Path file = dir.resolve("job.log");
        AtomicFiles.write(file, sanitizer.release(log.toString(), file.toString()).getBytes());
        String written = Files.readString(file);
        corpus().keySet().forEach(secret -> assertThat(written).doesNotContain(secret));
        assertThat(sanitizer.findings(written)).isEmpty();
    }

    @Test
    void slackPayloadAndIssueBodyAreMasked() throws Exception {
        corpus().forEach((secret, line) -> {
            ObjectNode slack = MAPPER.createObjectNode();
            slack.put("text", "Run failed: " + line);
            slack.putArray("blocks").addObject().put("type", "section").putObject("text").put("text", line);
            ObjectNode issue = MAPPER.createObjectNode().put("title", "CI failure").put("body", "```\n" + line + "\n```");
            for (JsonNode payload : new JsonNode[] {slack, issue}) {
                String json;
                try {
                    json = MAPPER.writeValueAsString(sanitizer.sanitize(payload));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                String decoded = json.replace("\\n", "\n").replace("\\/", "/").replace("\\\"", "\"");
                assertThat(decoded).as(json).doesNotContain(secret);
                assertThat(sanitizer.findings(json)).as(json).isEmpty();
            }
        });
    }
}
