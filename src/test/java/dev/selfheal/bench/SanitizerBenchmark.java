package dev.selfheal.bench;

import dev.selfheal.sanitize.ConfiguredSanitizer;
import dev.selfheal.sanitize.PlantedSecrets;
import dev.selfheal.sanitize.Sanitizer;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Sanitizer throughput on a generated CI log (benign lines, one planted secret every 1,000 lines).
 * Usage: {@code SanitizerBenchmark <log file> <megabytes> <runs> <masked output file>}; writes the log if
 * missing, prints MB/s per run and the median, secrets caught and benign lines changed. See
 * scripts/bench-evidence.sh.
 */
public final class SanitizerBenchmark {

    public static void main(String[] args) throws Exception {
        Path log = Path.of(args[0]);
        long mb = Long.parseLong(args[1]);
        int runs = Integer.parseInt(args[2]);
        Path maskedOut = Path.of(args[3]);
        Map<String, String> planted = PlantedSecrets.byRule();
        if (!Files.exists(log)) {
            List<String> lines = planted.values().stream().map(l -> l.replace("\n", "\\n")).toList();
            // multi-line planted values (the private key) stay on one line here so line counts stay comparable
            try (BufferedWriter w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                CiLogCorpus.write(w, mb * 1_000_000, 42, lines, 1000);
            }
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        Sanitizer sanitizer = ConfiguredSanitizer.withOwnSecrets();
        double[] sanitizeMbs = new double[runs];
        double[] releaseMbs = new double[runs];
        String out = null;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            out = sanitizer.sanitize(text);
            long t1 = System.nanoTime();
            sanitizer.release(text, "benchmark");
            long t2 = System.nanoTime();
            sanitizeMbs[i] = text.length() / 1e6 / ((t1 - t0) / 1e9);
            releaseMbs[i] = text.length() / 1e6 / ((t2 - t1) / 1e9);
            System.out.printf("run %d: sanitize %.1f MB/s, release (sanitize + verify) %.1f MB/s%n", i + 1,
                    sanitizeMbs[i], releaseMbs[i]);
        }
        Files.writeString(maskedOut, out);
        System.out.printf("median sanitize %.1f MB/s, median release %.1f MB/s on %.1f MB%n", median(sanitizeMbs),
                median(releaseMbs), text.length() / 1e6);
        report(text, out);
    }

    /** Secrets caught (planted values no longer present) and benign lines changed, shared with secretlint's output. */
    public static void report(String in, String out) {
        String[] a = in.split("\n", -1);
        String[] b = out.split("\n", -1);
        Map<String, String> planted = PlantedSecrets.byRule();
        long plantedLines = 0;
        long caught = 0;
        long benignChanged = 0;
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            String secret = null;
            for (Map.Entry<String, String> p : planted.entrySet()) {
                if (a[i].contains(p.getValue().replace("\n", "\\n"))) {
                    secret = p.getKey().replace("\n", "\\n");
                }
            }
            if (secret != null) {
                plantedLines++;
                if (!b[i].contains(secret.length() > 24 ? secret.substring(4, 24) : secret)) {
                    caught++;
                } else if (missed.size() < 30 && !missed.contains(secret)) {
                    missed.add(secret);
                }
            } else if (!a[i].equals(b[i])) {
                benignChanged++;
            }
        }
        System.out.printf("lines %d (out %d), planted %d, caught %d (%.1f%%), benign lines changed %d (%.2f per MB)%n",
                a.length, b.length, plantedLines, caught, 100.0 * caught / Math.max(1, plantedLines), benignChanged,
                benignChanged / (in.length() / 1e6));
        System.out.println("missed kinds: " + missed);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Compares an already masked file (secretlint's output) with the input: {@code compare <in> <out>}. */
    public static final class Compare {
        public static void main(String[] args) throws Exception {
            report(Files.readString(Path.of(args[0])), Files.readString(Path.of(args[1])));
        }
    }
}
