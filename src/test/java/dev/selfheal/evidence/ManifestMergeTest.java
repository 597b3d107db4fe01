package dev.selfheal.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.sanitize.ConfiguredSanitizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merge by run id, validation of entries, and refusing to overwrite what it cannot read or may not release. */
class ManifestMergeTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    final ManifestWriter writer = new ManifestWriter(ConfiguredSanitizer.withOwnSecrets());

    ObjectNode entry(long runId, String note) {
        return MAPPER.createObjectNode().put("run_id", runId).put("note", note);
    }

    @Test
    void sameRunIdReplacesEntryAndEntriesAreSortedByRunId() throws Exception {
        Path m = dir.resolve("_manifest.json");
        writer.merge(m, List.of(entry(30, "a"), entry(10, "b")));
        writer.merge(m, entry(30, "replaced"));
        JsonNode root = MAPPER.readTree(m.toFile());
        assertThat(root.get("entries")).hasSize(2);
        assertThat(root.get("entries").get(0).get("run_id").asLong()).isEqualTo(10);
        assertThat(root.get("entries").get(1).get("note").asText()).isEqualTo("replaced");
        assertThat(root.get("updated_at").asText()).endsWith("Z");
    }

    @Test
    void entryWithoutNumericRunIdIsRejectedAndManifestUnchanged() throws Exception {
        Path m = dir.resolve("_manifest.json");
        writer.merge(m, entry(1, "kept"));
        String before = Files.readString(m);
        assertThatThrownBy(() -> writer.merge(m, MAPPER.createObjectNode().put("run_id", "abc")))
                .isInstanceOf(ManifestWriter.ManifestWriteException.class).hasMessageContaining("run_id");
        assertThatThrownBy(() -> writer.merge(m, MAPPER.createObjectNode().put("note", "no id")))
                .hasMessageContaining("run_id");
        assertThat(Files.readString(m)).isEqualTo(before);
    }

    @Test
    void corruptManifestIsNotOverwritten() throws Exception {
        Path m = dir.resolve("AUTO_RETRY_MANIFEST.json");
        Files.writeString(m, "{\"entries\": [ {\"run_id\": 1}, ");
        assertThatThrownBy(() -> writer.merge(m, entry(2, "x")))
                .hasMessageContaining("not valid JSON").hasMessageContaining("not overwritten");
        assertThat(Files.readString(m)).isEqualTo("{\"entries\": [ {\"run_id\": 1}, ");
    }

    @Test
    void secretsInEntriesAreMaskedInTheFile() throws Exception {
        Path m = dir.resolve("_manifest.json");
        writer.merge(m, entry(5, "token " + ConfiguredSanitizer.GITHUB_TOKEN + " and AKIAIOSFODNN7EXAMPLE"));
        String text = Files.readString(m);
        assertThat(text).doesNotContain(ConfiguredSanitizer.GITHUB_TOKEN).doesNotContain("AKIAIOSFODNN7EXAMPLE")
                .contains("[MASKED:selfheal-secret]").contains("[MASKED:aws-access-key]");
    }
}
