package dev.selfheal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.evidence.ManifestWriter;
import dev.selfheal.sanitize.ConfiguredSanitizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * ManifestWriter updates per second, open loop: updates are due on a fixed schedule (4,000/s offered in total),
 * each handed to a pool of 256 callers that call {@code merge} and wait for it; throughput is updates over the time
 * from the first due time to the last completion, latency is from each update's due time to its completion. Three
 * cases per round, each into a fresh manifest: one process, N updates; four processes (separate JVMs started and
 * warmed up before the first due time, one manifest, N/4 updates each at 1,000/s each); one caller that waits for
 * each update before the next (closed loop, so one update per write by construction, 200 updates). Usage:
 * {@code ManifestBenchmark <dir> [rounds=3] [N=2000]}.
 */
public final class ManifestBenchmark {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Updates offered per second, in total: four times the goal of 1,000/s, so the result is the capacity. */
    static final int OFFERED = 4000;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        Files.createDirectories(dir);
        warmUp(dir.resolve("warm.json"));
        for (int round = 1; round <= rounds; round++) {
            Path single = fresh(dir.resolve("single-" + round + ".json"));
            long start = System.currentTimeMillis() + 200;
            Result one = offer(single, 1, count, OFFERED, start);

            Path four = fresh(dir.resolve("four-" + round + ".json"));
            List<Process> procs = new ArrayList<>();
            List<BufferedReader> outs = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), Writer.class.getName(), four.toString(),
                        Long.toString(w * 1_000_000L + 1), Integer.toString(count / 4), Integer.toString(OFFERED / 4),
                        dir.resolve("warm-" + w + ".json").toString())
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                procs.add(p);
                outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (BufferedReader r : outs) {
                r.readLine(); // "ready": started and warmed up, so JVM start-up is not counted
            }
            long start4 = System.currentTimeMillis() + 500;
            for (Process p : procs) {
                p.getOutputStream().write((start4 + "\n").getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().flush();
            }
            long last = 0;
            List<Long> lat4 = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                Process p = procs.get(w);
                try (BufferedReader r = outs.get(w)) {
                    String[] f = r.readLine().split(" ");
                    last = Math.max(last, Long.parseLong(f[0]));
                    for (int i = 1; i < f.length; i++) {
                        lat4.add(Long.parseLong(f[i]));
                    }
                }
                p.waitFor();
            }
            double fourRate = count / ((last - start4) / 1000.0);
            long[] l4 = lat4.stream().mapToLong(Long::longValue).sorted().toArray();

            Path closed = fresh(dir.resolve("closed-" + round + ".json"));
            ManifestWriter writer = new ManifestWriter(ConfiguredSanitizer.withOwnSecrets());
            long t0 = System.nanoTime();
            for (int i = 1; i <= 200; i++) {
                writer.merge(closed, entry(i));
            }
            double closedRate = 200 / ((System.nanoTime() - t0) / 1e9);

            System.out.printf("round %d: 1 process %.0f updates/s (p50 %d ms, p99 %d ms, entries %d of %d); "
                    + "4 processes %.0f updates/s (p50 %d ms, p99 %d ms, entries %d of %d); "
                    + "1 caller waiting for each %.0f updates/s%n", round, one.rate, pct(one.latencies, 50),
                    pct(one.latencies, 99), entries(single), count, fourRate, pct(l4, 50), pct(l4, 99), entries(four),
                    count, closedRate);
        }
    }

    /** One of the four processes: prints the epoch millisecond of its last completion and every latency (ms). */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            warmUp(Path.of(args[4]));
            System.out.println("ready");
            System.out.flush();
            long start = Long.parseLong(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                    .readLine().trim());
            Result r = offer(Path.of(args[0]), Long.parseLong(args[1]), Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]), start);
            StringBuilder out = new StringBuilder(Long.toString(r.lastDone));
            for (long l : r.latencies) {
                out.append(' ').append(l);
            }
            System.out.println(out);
        }
    }

    record Result(double rate, long lastDone, long[] latencies) {
    }

    /** Offers {@code count} updates at {@code perSecond} from epoch millisecond {@code start}. */
    static Result offer(Path manifest, long firstRunId, int count, int perSecond, long start) throws Exception {
        ManifestWriter writer = new ManifestWriter(ConfiguredSanitizer.withOwnSecrets());
        ExecutorService callers = Executors.newFixedThreadPool(256);
        List<Future<Long>> done = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long due = start + i * 1000L / perSecond;
            long wait = due - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            long runId = firstRunId + i;
            done.add(callers.submit(() -> {
                writer.merge(manifest, entry(runId));
                return System.currentTimeMillis();
            }));
        }
        long[] latencies = new long[count];
        long last = 0;
        for (int i = 0; i < count; i++) {
            long at = done.get(i).get();
            latencies[i] = at - (start + i * 1000L / perSecond);
            last = Math.max(last, at);
        }
        callers.shutdown();
        Arrays.sort(latencies);
        return new Result(count / ((last - start) / 1000.0), last, latencies);
    }

    /** 500 updates offered into a scratch manifest, so the measured ones run compiled code. */
    static void warmUp(Path scratch) throws Exception {
        Files.deleteIfExists(scratch);
        offer(scratch, 1, 500, OFFERED, System.currentTimeMillis());
    }

    static com.fasterxml.jackson.databind.node.ObjectNode entry(long runId) {
        return MAPPER.createObjectNode().put("run_id", runId).put("artifact_path", "artifacts/" + runId + "/")
                .put("evidence_type", "complete").put("recorded_at", "2025-11-14T00:00:00Z");
    }

    static Path fresh(Path p) throws Exception {
        Files.deleteIfExists(p);
        return p;
    }

    static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    static int entries(Path p) throws Exception {
        JsonNode root = MAPPER.readTree(p.toFile());
        return root.get("entries").size();
    }
}
