package dev.selfheal.sanitize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.evidence.ManifestWriter;
import dev.selfheal.policy.MaskRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verify before release: when the sanitized output still matches (here an operator's mask format that itself
 * reads as a password assignment), nothing is released, the refusal is recorded in the history, and a manifest
 * write is refused leaving the old file.
 */
class SanitizerFailClosedTest {

    static MaskRules leakyMask() {
        MaskRules shipped = ConfiguredSanitizer.rules();
        return new MaskRules(1, "<password={id}>", true, shipped.rules(), List.of());
    }

    @Test
    void incompleteMaskIsNotReleasedAndIsRecorded() {
        Sanitizer sanitizer = new Sanitizer(leakyMask(), List.of());
        List<String> history = new ArrayList<>();
        sanitizer.recordHistoryIn(history::add);
        String text = "aws_access_key_id = AKIAQYLPMN5HHHFPZAM2";
        assertThatThrownBy(() -> sanitizer.release(text, "slack"))
                .isInstanceOf(SanitizationRefusedException.class)
                .hasMessageContaining("slack").hasMessageContaining("generic-secret-assignment")
                .hasMessageNotContaining("AKIAQYLPMN5HHHFPZAM2");
        assertThat(history).singleElement().asString().startsWith("REFUSED destination=slack")
                .doesNotContain("AKIAQYLPMN5HHHFPZAM2");
    }

    @Test
    void releaseOfCleanTextRecordsWhatWasMasked() {
        Sanitizer sanitizer = ConfiguredSanitizer.withOwnSecrets();
        List<String> history = new ArrayList<>();
        sanitizer.recordHistoryIn(history::add);
        assertThat(sanitizer.release("key AKIAQYLPMN5HHHFPZAM2", "file")).isEqualTo("key [MASKED:aws-access-key]");
        assertThat(history).singleElement().asString().contains("destination=file").contains("aws-access-key=1");
        assertThat(sanitizer.release("nothing here", "file")).isEqualTo("nothing here");
        assertThat(history).hasSize(1);
    }

    @Test
    void refusedManifestWriteLeavesOldFile(@TempDir Path dir) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Path m = dir.resolve("_manifest.json");
        new ManifestWriter(ConfiguredSanitizer.withOwnSecrets()).merge(m, mapper.createObjectNode().put("run_id", 1));
        String before = Files.readString(m);
        ManifestWriter leaky = new ManifestWriter(new Sanitizer(leakyMask(), List.of()));
        assertThatThrownBy(() -> leaky.merge(m, mapper.createObjectNode().put("run_id", 2)
                .put("note", "AKIAQYLPMN5HHHFPZAM2"))).isInstanceOf(SanitizationRefusedException.class);
        assertThat(Files.readString(m)).isEqualTo(before);
    }
}
