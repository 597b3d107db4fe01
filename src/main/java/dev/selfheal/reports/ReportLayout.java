package dev.selfheal.reports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where things sit in the evidence tree {@code <data-dir>/docs/reports/YYYY-MM-DD/}, worked out from a path alone:
 * the writers, the sealer and the offline {@code verify} command must agree on it without Spring or a database.
 */
public final class ReportLayout {

    /** The day's file list with hashes (and the run entries of the evidence layer). */
    public static final String MANIFEST = "_manifest.json";
    /** The day's seal: manifest hash, chain hash, file count, time. Its presence means the day is closed. */
    public static final String SEAL = "_seal.json";
    /** Ed25519 signature of the exact bytes of {@link #SEAL}. */
    public static final String SEAL_SIGNATURE = "_seal.json.sig";
    /** The public key the seal was signed with (X.509 PEM); recorded in the manifest like any other file. */
    public static final String PUBLIC_KEY = "_seal_public_key.pem";
    /** Files about the manifest itself, never listed in it. */
    public static final Set<String> NOT_IN_MANIFEST = Set.of(MANIFEST, SEAL, SEAL_SIGNATURE);

    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private ReportLayout() {
    }

    public static boolean isDayName(String name) {
        return DAY.matcher(name).matches();
    }

    /** The day folder a file sits in ({@code .../docs/reports/YYYY-MM-DD}), if it sits in one. */
    public static Optional<Path> dayFolderOf(Path file) {
        Path p = file.toAbsolutePath().normalize().getParent();
        while (p != null && p.getParent() != null) {
            Path parent = p.getParent();
            if (isDayName(p.getFileName().toString()) && "reports".equals(parent.getFileName().toString())
                    && parent.getParent() != null && "docs".equals(parent.getParent().getFileName().toString())) {
                return Optional.of(p);
            }
            p = parent;
        }
        return Optional.empty();
    }

    /** The path of a file inside its day folder, with forward slashes ({@code logs/retry_log_20261123.log}). */
    public static String relative(Path day, Path file) {
        return day.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString()
                .replace('\\', '/');
    }

    /**
     * {@code <data-dir>/locks/}: lock files live here, outside the report tree an auditor receives. A file outside
     * any day folder (a test's temp dir) is locked through a hidden sibling {@code .<name>.lock}.
     */
    public static Path lockFileFor(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Optional<Path> day = dayFolderOf(abs);
        if (day.isPresent()) {
            Path dataDir = day.get().getParent().getParent().getParent();
            return dataDir.resolve("locks").resolve(day.get().getFileName().toString())
                    .resolve(relative(day.get(), abs) + ".lock");
        }
        return abs.resolveSibling("." + abs.getFileName() + ".lock");
    }

    /** A sealed day is closed: nothing more is written into it. */
    public static boolean isSealed(Path day) {
        return Files.exists(day.resolve(SEAL));
    }
}
