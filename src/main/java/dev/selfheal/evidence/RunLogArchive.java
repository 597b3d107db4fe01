package dev.selfheal.evidence;

import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.sanitize.SanitizationRefusedException;
import dev.selfheal.sanitize.Sanitizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A run's log zip (one {@code <n>_<job>.txt} per job) turned into sanitized text files, one per job, read in
 * chunks of whole lines (never a whole log in memory). A chunk the sanitizer refuses to release (fail closed)
 * makes that job's log missing, with the reason; the raw zip is deleted either way, it may hold secrets.
 */
public final class RunLogArchive {

    private static final int CHUNK_CHARS = 4 * 1024 * 1024;

    public record Result(List<Path> written, List<String> missing) {
    }

    private RunLogArchive() {
    }

    public static Result extract(Path zip, Path dir, Sanitizer sanitizer) throws IOException {
        List<Path> written = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : file.stream().filter(e -> !e.isDirectory()).toList()) {
                String name = "log_" + entry.getName().replaceAll("[^A-Za-z0-9._-]+", "_");
                if (!name.endsWith(".txt")) {
                    name += ".txt";
                }
                Path target = dir.resolve(name);
                String entryName = entry.getName();
                AtomicFiles.Written w = AtomicFiles.write(target, raw -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(file.getInputStream(entry),
                            StandardCharsets.UTF_8))) {
                        var out = new OutputStreamWriter(raw, StandardCharsets.UTF_8);
                        StringBuilder chunk = new StringBuilder();
                        String line;
                        while ((line = in.readLine()) != null) {
                            chunk.append(line).append('\n');
                            // a chunk ends at a line that does not continue a private key block
                            if (chunk.length() >= CHUNK_CHARS && !line.contains("BEGIN") && !inKeyBlock(chunk)) {
                                out.write(sanitizer.release(chunk.toString(), target.toString()));
                                chunk.setLength(0);
                            }
                        }
                        out.write(sanitizer.release(chunk.toString(), target.toString()));
                        out.flush();
                        return true;
                    } catch (SanitizationRefusedException e) {
                        missing.add("logs " + entryName + ": " + e.getMessage());
                        return false;
                    }
                });
                if (w != null) {
                    written.add(target);
                }
            }
        } finally {
            Files.deleteIfExists(zip);
        }
        return new Result(written, missing);
    }

    private static boolean inKeyBlock(StringBuilder chunk) {
        int begin = chunk.lastIndexOf("-----BEGIN");
        return begin >= 0 && chunk.indexOf("-----END", begin) < 0;
    }
}
