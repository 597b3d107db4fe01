package dev.selfheal.snapshots;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.selfheal.reports.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Versioned, hashed copies of Selfheal's own {@code config/} (every file) and {@code routes/} ({@code *.yaml})
 * under {@code <data-dir>/snapshots/<id>/}: the files byte for byte (a restore must give back exactly what was
 * there, and their SHA-256 must match the manifest) and {@code manifest.json} (id, version, time, reason, path,
 * SHA-256 and size per file). A snapshot is taken only when the content differs from the newest one. Plain Java,
 * no Spring: the service ({@link SnapshotWatch}) and the {@code snapshots} command share it.
 */
public final class Snapshots {

    public static final String MANIFEST = "manifest.json";

    public record FileEntry(String path, String sha256, long bytes) {
    }

    public record Snapshot(String id, int version, Instant takenAt, String reason, List<FileEntry> files) {

        Map<String, FileEntry> byPath() {
            Map<String, FileEntry> m = new TreeMap<>();
            files.forEach(f -> m.put(f.path(), f));
            return m;
        }
    }

    /** One file's difference between two states: added, removed or changed, with its changed lines. */
    public record Change(String path, String kind, List<String> lines) {
    }

    /** What a restore wrote (or, planned only, would write), what already matched, what it left alone. */
    public record Restore(String id, List<String> written, List<String> unchanged, List<String> notInSnapshot,
            String safetySnapshotId) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MAX_DIFF_CELLS = 4_000_000;

    private final Path root;
    private final Path configDir;
    private final Path routesDir;

    public Snapshots(Path dataDir, Path configDir, Path routesDir) {
        this.root = dataDir.resolve("snapshots");
        this.configDir = configDir;
        this.routesDir = routesDir;
    }

    public Path root() {
        return root;
    }

    /** A new snapshot of the current files, or empty when they equal the newest snapshot's. */
    public synchronized Optional<Snapshot> take(String reason) throws IOException {
        Map<String, byte[]> files = current();
        Map<String, String> hashes = new TreeMap<>();
        files.forEach((p, b) -> hashes.put(p, sha256(b)));
        List<Snapshot> all = list();
        if (!all.isEmpty()) {
            Map<String, String> newest = new TreeMap<>();
            all.get(all.size() - 1).files().forEach(f -> newest.put(f.path(), f.sha256()));
            if (newest.equals(hashes)) {
                return Optional.empty();
            }
        }
        Files.createDirectories(root);
        Path tmp = root.resolve(".tmp-" + UUID.randomUUID());
        List<FileEntry> entries = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path target = tmp.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, f.getValue());
            entries.add(new FileEntry(f.getKey(), hashes.get(f.getKey()), f.getValue().length));
        }
        int version = all.isEmpty() ? 1 : all.get(all.size() - 1).version() + 1;
        // another process (the command beside the service) may take the same version: the rename of a directory
        // onto an existing one fails, and the next number is tried
        for (int attempt = 0; attempt < 20; attempt++, version++) {
            Snapshot s = new Snapshot(idOf(version), version, Instant.now(), reason, entries);
            Files.write(tmp.resolve(MANIFEST), JSON.writeValueAsBytes(s));
            try {
                Files.move(tmp, root.resolve(s.id()), StandardCopyOption.ATOMIC_MOVE);
                return Optional.of(s);
            } catch (java.nio.file.FileSystemException e) {
                if (!Files.exists(root.resolve(s.id()))) {
                    throw e;
                }
                // taken meanwhile: next version
            }
        }
        throw new IOException("could not name a new snapshot under " + root + " after 20 tries");
    }

    /** Every snapshot, oldest first. */
    public List<Snapshot> list() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Snapshot> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(d -> !d.getFileName().toString().startsWith(".")).toList()) {
                Path manifest = dir.resolve(MANIFEST);
                if (Files.isRegularFile(manifest)) {
                    all.add(JSON.readValue(manifest.toFile(), Snapshot.class));
                }
            }
        }
        all.sort(Comparator.comparingInt(Snapshot::version));
        return all;
    }

    /** A snapshot by its id ({@code 0003}) or version number ({@code 3}). */
    public Snapshot get(String id) throws IOException {
        String wanted = id == null ? "" : id.strip();
        for (Snapshot s : list()) {
            if (s.id().equals(wanted) || wanted.matches("\\d{1,9}") && s.version() == Integer.parseInt(wanted)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no snapshot " + id + " under " + root + " (see: snapshots list)");
    }

    /** From A to B: files added, removed and changed, a changed file with its removed (-) and added (+) lines. */
    public List<Change> diff(String a, String b) throws IOException {
        Snapshot from = get(a);
        Snapshot to = get(b);
        Map<String, FileEntry> left = from.byPath();
        Map<String, FileEntry> right = to.byPath();
        TreeMap<String, Boolean> paths = new TreeMap<>();
        left.keySet().forEach(p -> paths.put(p, true));
        right.keySet().forEach(p -> paths.put(p, true));
        List<Change> changes = new ArrayList<>();
        for (String p : paths.keySet()) {
            FileEntry l = left.get(p);
            FileEntry r = right.get(p);
            if (l == null) {
                changes.add(new Change(p, "added", List.of()));
            } else if (r == null) {
                changes.add(new Change(p, "removed", List.of()));
            } else if (!l.sha256().equals(r.sha256())) {
                changes.add(new Change(p, "changed", lineDiff(read(from, p), read(to, p))));
            }
        }
        return changes;
    }

    /**
     * Writes the snapshot's files back into config/ and routes/, each atomically, after checking every file
     * against its manifest hash (a damaged snapshot restores nothing). The state before is kept as a snapshot of
     * its own first, so a restore can be undone. With {@code apply} false nothing is written: the plan only.
     * Routes written into a running service's routes/ go through its validating reload.
     */
    public synchronized Restore restore(String id, boolean apply) throws IOException {
        Snapshot s = get(id);
        Map<String, byte[]> content = new TreeMap<>();
        for (FileEntry f : s.files()) {
            byte[] b = Files.readAllBytes(root.resolve(s.id()).resolve(f.path()));
            if (!sha256(b).equals(f.sha256())) {
                throw new IOException("snapshot " + s.id() + " is damaged: " + f.path()
                        + " does not match its SHA-256 in the manifest; nothing restored");
            }
            content.put(f.path(), b);
        }
        Map<String, byte[]> now = current();
        List<String> written = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : content.entrySet()) {
            byte[] there = now.get(f.getKey());
            if (there != null && java.util.Arrays.equals(there, f.getValue())) {
                unchanged.add(f.getKey());
            } else {
                written.add(f.getKey());
            }
        }
        List<String> extra = now.keySet().stream().filter(p -> !content.containsKey(p)).toList();
        String safety = null;
        if (apply && !written.isEmpty()) {
            safety = take("before restore of " + s.id()).map(Snapshot::id).orElse(null);
            // config first: routes reloaded on the way may read the policy files' properties
            for (String p : written.stream().sorted(Comparator.comparing((String x) -> !x.startsWith("config/")))
                    .toList()) {
                AtomicFiles.write(target(p), content.get(p));
            }
        }
        return new Restore(s.id(), written, unchanged, extra, safety);
    }

    /** The files a snapshot keeps, as they are now: {@code config/<name>} and {@code routes/<name>.yaml}. */
    Map<String, byte[]> current() throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        collect(configDir, "config/", name -> true, files);
        collect(routesDir, "routes/", name -> name.endsWith(".yaml"), files);
        return files;
    }

    private static void collect(Path dir, String prefix, java.util.function.Predicate<String> wanted,
            Map<String, byte[]> into) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                // editors' and AtomicFiles' temp files are hidden or end in ~
                if (!name.startsWith(".") && !name.endsWith("~") && wanted.test(name)
                        && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    into.put(prefix + name, Files.readAllBytes(f));
                }
            }
        }
    }

    private Path target(String path) {
        String name = path.substring(path.indexOf('/') + 1);
        if (name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("snapshot path " + path + " is not a plain file name");
        }
        return (path.startsWith("config/") ? configDir : routesDir).resolve(name);
    }

    private List<String> read(Snapshot s, String path) throws IOException {
        return Files.readString(root.resolve(s.id()).resolve(path), StandardCharsets.UTF_8).lines().toList();
    }

    static String idOf(int version) {
        return String.format("%04d", version);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines only in {@code a} ("- ") and only in {@code b} ("+ "), in order, by longest common subsequence. */
    static List<String> lineDiff(List<String> a, List<String> b) {
        if ((long) a.size() * b.size() > MAX_DIFF_CELLS) {
            return List.of("(too large for a line diff: " + a.size() + " and " + b.size() + " lines)");
        }
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("+ " + (j + 1) + ": " + b.get(j++));
            } else {
                out.add("- " + (i + 1) + ": " + a.get(i++));
            }
        }
        return out;
    }

    /** The manifest of a snapshot as a map (for reports). */
    public static Map<String, Object> describe(Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("takenAt", s.takenAt().toString());
        m.put("reason", s.reason());
        m.put("files", s.files().size());
        return m;
    }
}
