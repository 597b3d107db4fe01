package dev.selfheal.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.sanitize.ConfiguredSanitizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer process killed (SIGKILL) while it keeps rewriting a large manifest: the manifest left behind is the
 * last complete one (valid JSON, every entry it had reported), and the next writer is not blocked by its lock.
 */
class ManifestKilledWriterTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void killedWriterLeavesPreviousManifestIntact() throws Exception {
        Path manifest = dir.resolve("_manifest.json");
        // 40 KB per entry: each rewrite takes long enough that the kill usually lands inside a write
        Process writer = new ProcessBuilder(ManifestConcurrentWritersTest.javaBin(), "-cp",
                System.getProperty("java.class.path"), ManifestWriterProcess.class.getName(), manifest.toString(),
                "1", "100000", "40000").redirectErrorStream(true).start();
        int reported = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("updated ")) {
                    reported = Integer.parseInt(line.substring(8));
                    if (reported == 60) {
                        writer.destroyForcibly();
                        break;
                    }
                }
            }
        }
        writer.waitFor();
        assertThat(reported).isEqualTo(60);

        JsonNode root = MAPPER.readTree(Files.readString(manifest));
        int entries = root.get("entries").size();
        assertThat(entries).isGreaterThanOrEqualTo(60);
        assertThat(root.get("entry_count").asInt()).isEqualTo(entries);
        for (int i = 0; i < entries; i++) {
            assertThat(root.get("entries").get(i).get("run_id").asLong()).isEqualTo(i + 1);
        }

        // the dead process's file lock went with it: this merge completes
        ObjectNode next = MAPPER.createObjectNode().put("run_id", 999_999L);
        int after = new ManifestWriter(ConfiguredSanitizer.withOwnSecrets()).merge(manifest, next);
        assertThat(after).isEqualTo(entries + 1);
    }
}
