package dev.selfheal.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.DayManifest;
import dev.selfheal.reports.FileLocks;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Manifest Atomicity (read, merge, write to a temporary file, rename; under a lock) for
 * {@code AUTO_RETRY_MANIFEST.json} and {@code _manifest.json}: under a lock, read the manifest, merge entries by
 * {@code run_id} (a new entry replaces the one with the same run id), validate, pass the sanitizer's
 * verify-before-release, then write a temp file in the same directory, fsync and rename it over the manifest
 * ({@link AtomicFiles}).
 *
 * <p>The lock is {@link FileLocks} (threads and processes; its lock file outside the report tree); the OS drops the
 * file lock when a writer dies, so a killed writer never blocks the next one. The file is
 * {@code {"manifest": name, "updated_at": UTC, "entries": [...]}} with entries sorted by run id; other fields
 * (the day's {@code files} list, the chain's previous-manifest hash) are kept.
 */
@Component
public class ManifestWriter {

    public static final String RUN_ID = "run_id";

    private final Sanitizer sanitizer;
    private final ObjectMapper mapper;
    private final Clock clock;

    @Autowired
    public ManifestWriter(Sanitizer sanitizer) {
        this(sanitizer, Clock.systemUTC());
    }

    public ManifestWriter(Sanitizer sanitizer, Clock clock) {
        this.sanitizer = sanitizer;
        this.clock = clock;
        this.mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Merges one entry (it must carry a numeric {@code run_id}); returns the number of entries now held. */
    public int merge(Path manifest, ObjectNode entry) {
        return merge(manifest, List.of(entry));
    }

    /** Merges entries by run id in one locked read-merge-write; a failure leaves the old manifest intact. */
    public int merge(Path manifest, Collection<ObjectNode> entries) {
        for (ObjectNode e : entries) {
            runIdOf(e, manifest);
        }
        Path file = manifest.toAbsolutePath().normalize();
        try {
            return FileLocks.locked(file, () -> {
                ObjectNode root = DayManifest.read(file);
                TreeMap<Long, JsonNode> merged = entriesOf(root, file);
                for (ObjectNode e : entries) {
                    merged.put(runIdOf(e, file), e);
                }
                byte[] content = render(file, root, merged);
                AtomicFiles.write(file, content);
                return merged.size();
            });
        } catch (IOException e) {
            throw new ManifestWriteException(file + " not updated (the previous manifest is intact): "
                    + e.getMessage(), e);
        }
    }

    /** The entries of a manifest by run id (empty when it does not exist yet). */
    public TreeMap<Long, JsonNode> read(Path manifest) {
        TreeMap<Long, JsonNode> entries = new TreeMap<>();
        if (!Files.exists(manifest)) {
            return entries;
        }
        JsonNode root;
        try {
            root = mapper.readTree(manifest.toFile());
        } catch (IOException e) {
            // refuse to merge into (and so overwrite) a manifest we cannot read: an auditor must look at it
            throw new ManifestWriteException(manifest + " is not valid JSON; not overwritten: " + e.getMessage(), e);
        }
        return entriesOf(root, manifest);
    }

    private static TreeMap<Long, JsonNode> entriesOf(JsonNode root, Path manifest) {
        TreeMap<Long, JsonNode> entries = new TreeMap<>();
        JsonNode list = root == null ? null : root.get("entries");
        if (list == null && root instanceof ObjectNode && !root.has("manifest")) {
            return entries; // a day manifest that so far lists its files only (or a new one)
        }
        if (list == null || !list.isArray()) {
            throw new ManifestWriteException(manifest + " has no \"entries\" array; not overwritten", null);
        }
        for (JsonNode e : list) {
            entries.put(runIdOf(e, manifest), e);
        }
        return entries;
    }

    private byte[] render(Path file, ObjectNode had, TreeMap<Long, JsonNode> merged) throws JsonProcessingException {
        ObjectNode root = mapper.createObjectNode();
        root.put("manifest", file.getFileName().toString());
        root.put("updated_at", ReportFolders.utc(clock.instant()));
        root.put("entry_count", merged.size());
        ArrayNode list = root.putArray("entries");
        merged.values().forEach(list::add);
        // the day's file list and chain fields are kept as they were
        had.fields().forEachRemaining(f -> {
            if (!root.has(f.getKey())) {
                root.set(f.getKey(), f.getValue());
            }
        });
        String json = mapper.writeValueAsString(root);
        // validate what is about to replace the manifest: it parses, and every run id is there once
        JsonNode back = mapper.readTree(json);
        if (back.get("entries").size() != merged.size()) {
            throw new ManifestWriteException(file + " not updated: rendered entries do not match the merge", null);
        }
        return sanitizer.release(json, file.getFileName().toString()).getBytes(StandardCharsets.UTF_8);
    }

    private static long runIdOf(JsonNode entry, Path manifest) {
        JsonNode id = entry == null ? null : entry.get(RUN_ID);
        if (id == null || !id.canConvertToLong() || id.asLong() <= 0) {
            throw new ManifestWriteException(manifest + ": every entry needs a positive numeric run_id, got "
                    + (id == null ? "none" : id.toString()), null);
        }
        return id.asLong();
    }

    /** A manifest could not be updated; the message says why and that the old file is intact. */
    public static class ManifestWriteException extends RuntimeException {
        public ManifestWriteException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
