package dev.selfheal.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The {@code files} part of a day's {@code _manifest.json}: every file written into the day folder, by its path
 * in the folder, with {@code size}, {@code sha256}, {@code written_at} (UTC) and {@code source} (who recorded it:
 * {@code writer}, {@code log} for the append-only day logs, {@code imported}, {@code found_at_seal}). The run
 * entries of the same file belong to the evidence layer's manifest writer; both change the file under
 * {@link FileLocks} and keep each other's fields.
 */
public final class DayManifest {

    public static final String FILES = "files";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One file as the manifest records it. */
    public record FileRecord(String path, long size, String sha256, Instant writtenAt, String source) {
    }

    private DayManifest() {
    }

    /** Records files of one day folder in one locked read-modify-write. */
    public static void record(Path day, Collection<FileRecord> records) throws IOException {
        if (records.isEmpty()) {
            return;
        }
        update(day, root -> {
            ObjectNode files = root.has(FILES) && root.get(FILES).isObject() ? (ObjectNode) root.get(FILES)
                    : MAPPER.createObjectNode();
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            files.fields().forEachRemaining(f -> sorted.put(f.getKey(), f.getValue()));
            for (FileRecord r : records) {
                ObjectNode entry = MAPPER.createObjectNode();
                entry.put("size", r.size());
                entry.put("sha256", r.sha256());
                entry.put("written_at", ReportFolders.utc(r.writtenAt()));
                entry.put("source", r.source());
                sorted.put(r.path(), entry);
            }
            ObjectNode rebuilt = MAPPER.createObjectNode();
            sorted.forEach(rebuilt::set);
            root.set(FILES, rebuilt);
        });
    }

    /**
     * Changes {@code <day>/_manifest.json} under its lock: read (an empty object when it does not exist yet),
     * change, write atomically. A manifest that does not parse is never overwritten.
     */
    public static void update(Path day, Consumer<ObjectNode> change) throws IOException {
        Path manifest = day.resolve(ReportLayout.MANIFEST);
        FileLocks.locked(manifest, () -> {
            ObjectNode root = read(manifest);
            change.accept(root);
            AtomicFiles.write(manifest, MAPPER.writeValueAsBytes(root));
            return null;
        });
    }

    /** The manifest as an object; empty when missing. Not valid JSON: refused (an auditor must look at it). */
    public static ObjectNode read(Path manifest) throws IOException {
        if (!Files.exists(manifest)) {
            return MAPPER.createObjectNode();
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(manifest));
        } catch (IOException e) {
            throw new IOException(manifest + " is not valid JSON; not overwritten: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode o)) {
            throw new IOException(manifest + " is not a JSON object; not overwritten");
        }
        return o;
    }

    /** The recorded files of a manifest, by path. */
    public static Map<String, JsonNode> files(JsonNode root) {
        TreeMap<String, JsonNode> out = new TreeMap<>();
        JsonNode files = root.get(FILES);
        if (files != null && files.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                out.put(f.getKey(), f.getValue());
            }
        }
        return out;
    }

    /**
     * The day logs are appended line by line (one write per line, never rewritten), so they are recorded as they
     * stand whenever the day's summaries are regenerated and, finally, when the day is sealed.
     */
    public static void recordLogs(Path day) throws IOException {
        Path logs = day.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return;
        }
        List<FileRecord> records = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.list(logs)) {
            for (Path log : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList()) {
                records.add(describe(day, log, Files.getLastModifiedTime(log).toInstant(), "log"));
            }
        }
        record(day, records);
    }

    /** Hashes a file's content and records it (size and hash read back from the disk). */
    public static FileRecord describe(Path day, Path file, Instant at, String source) throws IOException {
        return new FileRecord(ReportLayout.relative(day, file), Files.size(file), sha256(file), at, source);
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    public static String sha256(byte[] content) {
        return HexFormat.of().formatHex(sha256().digest(content));
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static List<FileRecord> one(FileRecord r) {
        return List.of(r);
    }
}
