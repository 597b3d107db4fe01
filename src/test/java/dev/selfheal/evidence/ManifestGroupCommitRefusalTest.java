package dev.selfheal.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.policy.MaskRules;
import dev.selfheal.reports.FileLocks;
import dev.selfheal.sanitize.ConfiguredSanitizer;
import dev.selfheal.sanitize.SanitizationRefusedException;
import dev.selfheal.sanitize.Sanitizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Updates that share one write are answered one by one: in a group of 50 where one entry carries a secret the
 * sanitizer refuses to release (a mask that leaves it readable), that one fails and the 49 others are written.
 */
class ManifestGroupCommitRefusalTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aRefusedEntryFailsOnlyItsOwnUpdate() throws Exception {
        Path manifest = dir.resolve("AUTO_RETRY_MANIFEST.json");
        // a mask that repeats what it masks: the verify-before-release finds the key again and refuses the text
        MaskRules leaky = new MaskRules(1, "<password={id}>", true, ConfiguredSanitizer.rules().rules(), List.of());
        ManifestWriter writer = new ManifestWriter(new Sanitizer(leaky, List.of()));
        List<CompletableFuture<Integer>> clean = new ArrayList<>();
        CompletableFuture<Integer> secret = FileLocks.locked(manifest, () -> {
            // the writer thread takes the first update and waits for this lock; the rest gather behind it
            clean.add(writer.mergeAsync(manifest, List.of(MAPPER.createObjectNode().put("run_id", 1))));
            waitUntilTaken(writer, manifest);
            for (int i = 2; i <= 25; i++) {
                clean.add(writer.mergeAsync(manifest, List.of(MAPPER.createObjectNode().put("run_id", i))));
            }
            CompletableFuture<Integer> s = writer.mergeAsync(manifest, List.of(MAPPER.createObjectNode()
                    .put("run_id", 26).put("note", "aws_access_key_id = AKIAQYLPMN5HHHFPZAM2")));
            for (int i = 27; i <= 51; i++) {
                clean.add(writer.mergeAsync(manifest, List.of(MAPPER.createObjectNode().put("run_id", i))));
            }
            return s;
        });

        for (CompletableFuture<Integer> f : clean) {
            assertThat(f.join()).isPositive();
        }
        assertThat(secret).failsWithin(java.time.Duration.ofSeconds(30))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(SanitizationRefusedException.class);
        JsonNode root = MAPPER.readTree(Files.readString(manifest));
        Set<Long> ids = new HashSet<>();
        root.get("entries").forEach(e -> ids.add(e.get("run_id").asLong()));
        assertThat(ids).hasSize(50).doesNotContain(26L);
        assertThat(Files.readString(manifest)).doesNotContain("AKIAQYLPMN5HHHFPZAM2");
    }

    /** Until the writer thread has taken the first update off its queue (it then blocks on the held lock). */
    private static void waitUntilTaken(ManifestWriter writer, Path manifest) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            Thread writerThread = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("manifest-writer") && t.getState() == Thread.State.WAITING
                            && isInFileLocks(t))
                    .findFirst().orElse(null);
            if (writerThread != null) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new CompletionException(new IllegalStateException("the writer never took its first update of "
                + manifest));
    }

    private static boolean isInFileLocks(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(FileLocks.class.getName())) {
                return true;
            }
        }
        return false;
    }
}
