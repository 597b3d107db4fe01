package dev.selfheal.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.evidence.ManifestWriter;
import dev.selfheal.sanitize.ConfiguredSanitizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * ManifestWriter updates per second on 1,000 entries, one writer and 4 concurrent writers (250 each), the same
 * work as scripts/bench-manifest-jq.sh. Usage: {@code ManifestBenchmark <dir>}.
 */
public final class ManifestBenchmark {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        ManifestWriter writer = new ManifestWriter(ConfiguredSanitizer.withOwnSecrets());
        ObjectMapper mapper = new ObjectMapper();
        for (int round = 0; round < 3; round++) {
            Path single = dir.resolve("single-" + round + ".json");
            Files.deleteIfExists(single);
            long t0 = System.nanoTime();
            for (int i = 1; i <= 1000; i++) {
                writer.merge(single, mapper.createObjectNode().put("run_id", i).put("artifact_path", "artifacts/" + i + "/")
                        .put("evidence_type", "complete").put("recorded_at", "2025-11-14T00:00:00Z"));
            }
            double single1 = 1000 / ((System.nanoTime() - t0) / 1e9);
            Path four = dir.resolve("four-" + round + ".json");
            Files.deleteIfExists(four);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> f = new ArrayList<>();
            long t1 = System.nanoTime();
            for (int w = 0; w < 4; w++) {
                int base = w * 1000;
                f.add(pool.submit(() -> {
                    for (int i = 1; i <= 250; i++) {
                        writer.merge(four, mapper.createObjectNode().put("run_id", base + i));
                    }
                    return null;
                }));
            }
            for (Future<?> x : f) {
                x.get();
            }
            pool.shutdown();
            double fourRate = 1000 / ((System.nanoTime() - t1) / 1e9);
            int entries = mapper.readTree(four.toFile()).get("entries").size();
            System.out.printf("round %d: single writer %.1f updates/s; 4 writers %.1f updates/s, entries %d of 1000%n",
                    round + 1, single1, fourRate, entries);
        }
    }
}
