package dev.selfheal.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.sanitize.ConfiguredSanitizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit under kill -9: a JVM keeps hundreds of manifest updates in flight and is killed after 300 of them
 * were reported done. Every reported update is in the manifest, the manifest is whole (it parses, its count
 * matches), and the temp files a dead writer leaves are removed by the next writer.
 */
class ManifestGroupCommitKilledWriterTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyUpdateReportedDoneSurvivesTheKill() throws Exception {
        Path manifest = dir.resolve("AUTO_RETRY_MANIFEST.json");
        // 4 KB per entry: by the kill each write is a megabyte or more, so it usually lands inside one
        Process writer = new ProcessBuilder(ManifestConcurrentWritersTest.javaBin(), "-cp",
                System.getProperty("java.class.path"), ManifestGroupCommitProcess.class.getName(),
                manifest.toString(), "1", "1000000", "4000").redirectErrorStream(true).start();
        Set<Long> reported = new HashSet<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("done ")) {
                    reported.add(Long.parseLong(line.substring(5)));
                    if (reported.size() == 300) {
                        // SIGKILL from outside: Process.destroyForcibly would also close this pipe, losing the
                        // lines the writer printed just before it died
                        assertThat(new ProcessBuilder("kill", "-9", Long.toString(writer.pid())).start().waitFor())
                                .isZero();
                    }
                }
            }
        }
        writer.waitFor();
        assertThat(reported).hasSizeGreaterThanOrEqualTo(300);

        JsonNode root = MAPPER.readTree(Files.readString(manifest));
        Set<Long> held = new HashSet<>();
        root.get("entries").forEach(e -> held.add(e.get("run_id").asLong()));
        assertThat(root.get("entry_count").asInt()).isEqualTo(held.size());
        assertThat(held).containsAll(reported);

        // a partial temp file as a writer killed inside its write leaves it, beside any the kill really left
        Files.writeString(dir.resolve(".AUTO_RETRY_MANIFEST.json.123456.tmp"), "{\"entries\": [{\"run_id\": 1, \"pa");
        int after = new ManifestWriter(ConfiguredSanitizer.withOwnSecrets())
                .merge(manifest, List.of(MAPPER.createObjectNode().put("run_id", 2_000_000L)));
        assertThat(after).isEqualTo(held.size() + (held.contains(2_000_000L) ? 0 : 1));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("AUTO_RETRY_MANIFEST.json", ".AUTO_RETRY_MANIFEST.json.lock");
        }
    }
}
