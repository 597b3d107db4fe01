package dev.selfheal.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.sanitize.ConfiguredSanitizer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 8 threads x 500 merges plus a second JVM merging into the same manifest: every run id once, none lost. */
class ManifestConcurrentWritersTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void threadsAndSecondJvmLoseNoEntry() throws Exception {
        Path manifest = dir.resolve("AUTO_RETRY_MANIFEST.json");
        ManifestWriter writer = new ManifestWriter(ConfiguredSanitizer.withOwnSecrets());
        Process other = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
                ManifestWriterProcess.class.getName(), manifest.toString(), "1000000", "500")
                .redirectErrorStream(true).redirectOutput(dir.resolve("second-jvm.out").toFile()).start();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            long base = (t + 1) * 10_000L;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 500; i++) {
                    ObjectNode e = MAPPER.createObjectNode();
                    e.put("run_id", base + i);
                    e.put("attempt", 1);
                    writer.merge(manifest, e);
                    // the same run id again: replaced, never duplicated
                    e = MAPPER.createObjectNode();
                    e.put("run_id", base + i);
                    e.put("attempt", 2);
                    writer.merge(manifest, e);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertThat(other.waitFor()).as(Files.readString(dir.resolve("second-jvm.out"))).isZero();

        JsonNode root = MAPPER.readTree(Files.readString(manifest, StandardCharsets.UTF_8));
        Set<Long> ids = new HashSet<>();
        int entries = 0;
        for (JsonNode e : root.get("entries")) {
            ids.add(e.get("run_id").asLong());
            entries++;
            if (e.get("run_id").asLong() < 1_000_000) {
                assertThat(e.get("attempt").asInt()).isEqualTo(2);
            }
        }
        assertThat(entries).isEqualTo(8 * 500 + 500);
        assertThat(ids).hasSize(8 * 500 + 500);
        for (int t = 1; t <= 8; t++) {
            for (int i = 0; i < 500; i++) {
                assertThat(ids).contains(t * 10_000L + i);
            }
        }
        for (int i = 0; i < 500; i++) {
            assertThat(ids).contains(1_000_000L + i);
        }
        assertThat(root.get("entry_count").asInt()).isEqualTo(4500);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString() + (File.separatorChar == '\\' ? ".exe" : "");
    }
}
