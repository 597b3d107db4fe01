package dev.selfheal.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.sanitize.Sanitizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Artifact zips are kept byte for byte (their SHA-256 must match what GitHub reports), so the sanitizer cannot
 * mask inside them. Instead their text entries are read, line by line and within bounds, and what the
 * sanitizer's rules find is written beside the zip as {@code <zip>.findings.json}: entry, line number and rule
 * ids only, never the matched text, so an auditor knows which artifact holds a secret before opening it.
 */
final class ArtifactSecretScan {

    static final int MAX_ENTRIES = 1_000;
    static final long MAX_ENTRY_BYTES = 50L * 1024 * 1024;
    static final int MAX_LINE = 8_192;
    static final int MAX_FINDINGS = 1_000;

    private ArtifactSecretScan() {
    }

    /** Scans {@code zip} and writes its findings report beside it; returns the report's path. */
    static Path write(Path zip, Sanitizer sanitizer, ObjectMapper mapper) throws IOException {
        List<Map<String, Object>> findings = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int scanned = 0;
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            int seen = 0;
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                if (++seen > MAX_ENTRIES) {
                    skipped.add("entries past the first " + MAX_ENTRIES + " were not scanned");
                    break;
                }
                String name = sanitizer.sanitize(entry.getName());
                try (InputStream in = file.getInputStream(entry)) {
                    String outcome = scan(in, name, sanitizer, findings);
                    if (outcome == null) {
                        scanned++;
                    } else {
                        skipped.add(name + ": " + outcome);
                    }
                }
            }
        } catch (IOException e) {
            skipped.add("the zip could not be read: " + e.getMessage());
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("artifact", zip.getFileName().toString());
        report.put("scanned_entries", scanned);
        report.put("skipped", skipped);
        report.put("findings", findings);
        Path target = zip.resolveSibling(zip.getFileName() + ".findings.json");
        String json = mapper.writeValueAsString(report);
        AtomicFiles.write(target, sanitizer.release(json, target.toString()).getBytes(StandardCharsets.UTF_8));
        return target;
    }

    /** Null when the entry was scanned, else why it was not (binary, too large). */
    private static String scan(InputStream raw, String name, Sanitizer sanitizer, List<Map<String, Object>> findings)
            throws IOException {
        InputStream in = new java.io.BufferedInputStream(raw, 8_192);
        in.mark(8_192);
        byte[] head = in.readNBytes(8_000);
        for (byte b : head) {
            if (b == 0) {
                return "binary, not scanned";
            }
        }
        in.reset();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        long read = 0;
        int lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            read += line.length() + 1;
            if (read > MAX_ENTRY_BYTES) {
                return "scanned up to " + MAX_ENTRY_BYTES + " bytes only";
            }
            Map<String, Integer> found = sanitizer.findings(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line);
            if (!found.isEmpty() && findings.size() < MAX_FINDINGS) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("entry", name);
                f.put("line", lineNumber);
                f.put("rules", found);
                findings.add(f);
            }
        }
        return null;
    }
}
