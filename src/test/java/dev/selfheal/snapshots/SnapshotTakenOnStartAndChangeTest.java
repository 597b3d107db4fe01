package dev.selfheal.snapshots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.test.CoreLoopTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service keeps a snapshot of config/ and routes/ at start (manifest with the SHA-256 of every file), a new
 * one when a config file changes, and none while nothing changes.
 */
class SnapshotTakenOnStartAndChangeTest extends CoreLoopTest {

    @DynamicPropertySource
    static void watchOften(DynamicPropertyRegistry registry) {
        registry.add("selfheal.snapshots.watch-period-ms", () -> "200");
    }

    @Autowired
    SelfhealProperties properties;

    @Test
    void startIsKeptAndAChangeMakesANewVersion() throws Exception {
        Path root = properties.dataDir().resolve("snapshots");
        Path config = properties.configDir().resolve("phase4-detection-rules.json");
        JsonNode first = new ObjectMapper().readTree(root.resolve("0001/manifest.json").toFile());
        assertThat(first.path("reason").asText()).isEqualTo("start");
        assertThat(first.path("files").findValuesAsText("path")).contains("config/phase4-detection-rules.json",
                "routes/rollback.yaml", "routes/snapshots.yaml");
        String shaBefore = sha(first, "config/phase4-detection-rules.json");
        assertThat(shaBefore).isEqualTo(Snapshots.sha256(Files.readAllBytes(config)));

        Thread.sleep(1_000);
        assertThat(count(root)).as("nothing changed: no new snapshot").isEqualTo(1);

        Files.writeString(config, Files.readString(config).replace("\"count\": 3", "\"count\": 4"));
        eventually(() -> count(root), n -> n == 2);
        JsonNode second = new ObjectMapper().readTree(root.resolve("0002/manifest.json").toFile());
        assertThat(second.path("reason").asText()).isEqualTo("change");
        assertThat(sha(second, "config/phase4-detection-rules.json")).isNotEqualTo(shaBefore)
                .isEqualTo(Snapshots.sha256(Files.readAllBytes(config)));
        assertThat(root.resolve("0002/config/phase4-detection-rules.json")).hasSameBinaryContentAs(config);
    }

    private static String sha(JsonNode manifest, String path) {
        for (JsonNode f : manifest.path("files")) {
            if (f.path("path").asText().equals(path)) {
                return f.path("sha256").asText();
            }
        }
        throw new AssertionError(path + " not in " + manifest);
    }

    private static long count(Path root) throws Exception {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.exists(d.resolve("manifest.json"))).count();
        }
    }
}
