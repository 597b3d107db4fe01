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
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Manifest Atomicity (read, merge, write to a temporary file, rename; under a lock) for
 * {@code AUTO_RETRY_MANIFEST.json} and {@code _manifest.json}: under a lock, read the manifest, merge entries by
 * {@code run_id} (a new entry replaces the one with the same run id), validate, pass the sanitizer's
 * verify-before-release, then write a temp file in the same directory, fsync and rename it over the manifest
 * ({@link AtomicFiles}).
 *
 * <p>Group commit: callers hand their entries to one writer thread and wait on a future; the thread takes every
 * update waiting at that moment and commits all those of one manifest with a single read-merge-write (one temp
 * file, one fsync, one rename, one directory fsync). A {@link #merge} that finds nobody committing commits itself,
 * taking along whatever waits, so a lone caller pays no hand-over. A future completes only after that rename and
 * directory fsync, so an update reported done is on disk; the file is always a whole manifest, the old or the new
 * one. The fsync, not the merge, is what limits a lone writer, so updates arriving together share it. When a group
 * fails (a refused entry, say), its updates are committed one by one so each caller gets its own answer.
 *
 * <p>The lock is {@link FileLocks} (threads and processes; its lock file outside the report tree); the OS drops the
 * file lock when a writer dies, so a killed writer never blocks the next one. Every process has its own writer
 * thread; processes take turns on the file lock, each committing all it has gathered while it waited. Temp files
 * left by a killed writer ({@code .<name>.*.tmp}) are removed, under the lock, by the first commit to that
 * manifest after a start. The file is {@code {"manifest": name, "updated_at": UTC, "entries": [...]}} with entries
 * sorted by run id; other fields (the day's {@code files} list, the chain's previous-manifest hash) are kept.
 */
@Component
public class ManifestWriter {

    public static final String RUN_ID = "run_id";

    private static final Logger LOG = LoggerFactory.getLogger(ManifestWriter.class);
    /** Tells the writer thread to end once the updates queued before it are committed. */
    private static final Update STOP = new Update(null, List.of(), new CompletableFuture<>());

    private final Sanitizer sanitizer;
    private final BlockingQueue<Update> pending = new LinkedBlockingQueue<>();
    /** Manifests whose leftover temp files this writer has looked for. */
    private final Set<Path> cleaned = ConcurrentHashMap.newKeySet();
    private Thread committer;
    /** Held by whoever is committing: the writer thread, or a caller of {@link #merge} that found nobody writing. */
    private final ReentrantLock committing = new ReentrantLock();
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

    /**
     * Merges entries by run id and returns once they are on disk (the number of entries now held); a failure leaves
     * the old manifest intact.
     */
    public int merge(Path manifest, Collection<ObjectNode> entries) {
        Update update = update(manifest, entries);
        if (committing.tryLock()) {
            // nobody is writing: commit here, with whatever else waits, instead of handing over to the writer thread
            // (a caller that waits for each update before the next would otherwise pay two thread switches each)
            try {
                List<Update> group = new ArrayList<>();
                group.add(update);
                pending.drainTo(group);
                if (group.removeIf(u -> u == STOP)) {
                    pending.add(STOP);
                }
                commitGroup(group);
            } finally {
                committing.unlock();
            }
        } else {
            enqueue(update);
        }
        try {
            return update.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Queues entries for the next group commit of this manifest. The future completes with the number of entries
     * the manifest holds once the write holding them is renamed into place and the directory fsynced, or fails
     * (the manifest then does not hold them). An entry without a positive run id is refused here, at once.
     */
    public CompletableFuture<Integer> mergeAsync(Path manifest, Collection<ObjectNode> entries) {
        Update update = update(manifest, entries);
        enqueue(update);
        return update.done();
    }

    private static Update update(Path manifest, Collection<ObjectNode> entries) {
        for (ObjectNode e : entries) {
            runIdOf(e, manifest);
        }
        return new Update(manifest.toAbsolutePath().normalize(), List.copyOf(entries), new CompletableFuture<>());
    }

    private void enqueue(Update update) {
        synchronized (this) {
            pending.add(update);
            if (committer == null) {
                committer = new Thread(this::commitWaiting, "manifest-writer");
                committer.setDaemon(true);
                committer.start();
            }
        }
    }

    /** Lets the writer thread end once every update queued so far is committed (the next update starts it again). */
    @PreDestroy
    public void close() {
        pending.add(STOP);
    }

    private void commitWaiting() {
        List<Update> group = new ArrayList<>();
        while (true) {
            group.clear();
            try {
                group.add(pending.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                synchronized (this) {
                    committer = null;
                }
                pending.forEach(u -> u.done().completeExceptionally(
                        new ManifestWriteException(u.file() + " not updated: the manifest writer was interrupted", e)));
                return;
            }
            boolean stop;
            committing.lock();
            try {
                // what arrived while a caller was committing joins this group
                pending.drainTo(group);
                stop = group.removeIf(u -> u == STOP);
                commitGroup(group);
            } finally {
                committing.unlock();
            }
            if (stop) {
                synchronized (this) {
                    if (pending.isEmpty()) {
                        committer = null;
                        return;
                    }
                }
            }
        }
    }

    /** Commits updates, one write per manifest; every update's future is completed, whatever happens. */
    private void commitGroup(List<Update> group) {
        Map<Path, List<Update>> byFile = new LinkedHashMap<>();
        for (Update u : group) {
            byFile.computeIfAbsent(u.file(), f -> new ArrayList<>()).add(u);
        }
        try {
            byFile.forEach(this::commit);
        } catch (Error e) {
            // the writer lives on: no caller may wait forever on an update that will never be written
            group.forEach(u -> u.done().completeExceptionally(e));
        }
    }

    private void commit(Path file, List<Update> updates) {
        List<Update> all = new ArrayList<>(updates);
        try {
            int size = write(file, all, true);
            all.forEach(u -> u.done().complete(size));
        } catch (RuntimeException e) {
            if (all.size() == 1) {
                all.get(0).done().completeExceptionally(e);
                return;
            }
            // one refused entry must not fail the others that happened to share its write
            for (Update u : all) {
                try {
                    int size = write(file, new ArrayList<>(List.of(u)), false);
                    u.done().complete(size);
                } catch (RuntimeException alone) {
                    u.done().completeExceptionally(alone);
                }
            }
        }
    }

    /**
     * One locked read-merge-write of {@code updates}. With {@code takeLate}, updates of the same manifest that
     * reached the head of the queue while this writer waited for the file lock (another process held it) join the
     * write: they are added to {@code updates}, after the ones they came after, so the order of one manifest's
     * updates is kept.
     */
    private int write(Path file, List<Update> updates, boolean takeLate) {
        try {
            return FileLocks.locked(file, () -> {
                if (cleaned.add(file)) {
                    removeLeftoverTemps(file);
                }
                if (takeLate) {
                    // the writer thread may take the head meanwhile (it waits in take(), outside the commit): stop
                    // there, it will commit that one and what follows after this write
                    for (Update u = pending.peek(); u != null && u != STOP && u.file().equals(file)
                            && pending.remove(u); u = pending.peek()) {
                        updates.add(u);
                    }
                }
                ObjectNode root = DayManifest.read(file);
                TreeMap<Long, JsonNode> merged = entriesOf(root, file);
                for (Update u : updates) {
                    for (ObjectNode e : u.entries()) {
                        merged.put(runIdOf(e, file), e);
                    }
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

    /**
     * Temp files of this manifest are only written under its lock, so any found while holding the lock were left by a
     * writer that died or failed mid-write; they never became the manifest and are removed.
     */
    private static void removeLeftoverTemps(Path file) throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "." + file.getFileName() + ".*.tmp")) {
            for (Path t : temps) {
                Files.deleteIfExists(t);
                LOG.warn("removed {}: a temp file of {} left by a writer that stopped mid-write", t, file);
            }
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

    /** Entries waiting for their manifest's next write, and the future their caller waits on. */
    private record Update(Path file, List<ObjectNode> entries, CompletableFuture<Integer> done) {
    }

    /** A manifest could not be updated; the message says why and that the old file is intact. */
    public static class ManifestWriteException extends RuntimeException {
        public ManifestWriteException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
