package dev.selfheal.integrity;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.DayManifest;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.reports.ReportLayout;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Evidence produced before Selfheal (run folders collected by hand) brought into a day folder:
 * {@code <day>/imported/<DIR name>/...}, each file copied byte-exact through the atomic writer and recorded in the
 * day's manifest with its SHA-256 and {@code source: imported}; the import itself is listed under
 * {@code imports} (from where, when, how many files, what was refused). Refused, and named: symbolic links, hidden
 * files, a file already imported under that name, and text files in which the sanitizer finds a secret (evidence
 * is kept byte-exact, so it is refused rather than masked).
 */
public final class EvidenceImport {

    /** What an import did. */
    public record Result(Path target, List<String> imported, List<String> refused) {
    }

    private static final long MAX_SCANNED_TEXT = 50L * 1024 * 1024;

    private EvidenceImport() {
    }

    public static Result run(Path source, ReportFolders folders, Sanitizer sanitizer) throws IOException {
        Instant now = folders.now();
        Path day = folders.dayFolder(now);
        Path target = day.resolve("imported").resolve(source.toAbsolutePath().normalize().getFileName().toString());
        List<String> imported = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<DayManifest.FileRecord> records = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(source)) {
            files = s.filter(p -> !p.equals(source)).sorted().toList();
        }
        for (Path f : files) {
            String rel = source.relativize(f).toString().replace('\\', '/');
            if (Files.isSymbolicLink(f)) {
                refused.add(rel + ": a symbolic link (not followed)");
            } else if (Arrays.stream(rel.split("/")).anyMatch(part -> part.startsWith("."))) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    refused.add(rel + ": a hidden file");
                }
            } else if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                String why = secretIn(f, sanitizer);
                Path to = target.resolve(rel);
                if (why != null) {
                    refused.add(rel + ": " + why);
                } else if (Files.exists(to)) {
                    refused.add(rel + ": already imported (" + ReportLayout.relative(day, to) + ")");
                } else {
                    AtomicFiles.Written w = AtomicFiles.write(to, out -> {
                        try (InputStream in = Files.newInputStream(f)) {
                            in.transferTo(out);
                        }
                        return true;
                    });
                    records.add(new DayManifest.FileRecord(ReportLayout.relative(day, to), w.size(), w.sha256(), now,
                            "imported"));
                    imported.add(rel);
                }
            }
        }
        DayManifest.record(day, records);
        DayManifest.update(day, root -> {
            ArrayNode imports = root.has("imports") && root.get("imports").isArray() ? (ArrayNode) root.get("imports")
                    : root.putArray("imports");
            ObjectNode entry = imports.addObject();
            entry.put("from", sanitizer.sanitize(source.toAbsolutePath().normalize().toString()));
            entry.put("to", ReportLayout.relative(day, target));
            entry.put("imported_at", ReportFolders.utc(now));
            entry.put("files", imported.size());
            ArrayNode r = entry.putArray("refused");
            refused.forEach(x -> r.add(sanitizer.sanitize(x)));
        });
        return new Result(target, imported, refused);
    }

    /** Why a file may not be imported as it is, or null: a text file holding what the sanitizer calls a secret. */
    private static String secretIn(Path f, Sanitizer sanitizer) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(f)) {
            head = in.readNBytes(8192);
        }
        for (byte b : head) {
            if (b == 0) {
                return null; // binary: kept byte-exact, as artifact zips are
            }
        }
        if (Files.size(f) > MAX_SCANNED_TEXT) {
            return "a text file over " + MAX_SCANNED_TEXT + " bytes, too large to scan for secrets";
        }
        Map<String, Integer> findings = sanitizer.findings(Files.readString(f, StandardCharsets.UTF_8));
        return findings.isEmpty() ? null : "holds what the mask rules call a secret (" + String.join(", ",
                findings.keySet()) + "); mask it at the source and import again";
    }
}
