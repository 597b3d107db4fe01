package dev.selfheal.integrity;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * {@code java -jar selfheal.jar bundle --from DAY --to DAY out.zip [--data-dir DIR]}: the days' folders with
 * their seals in one reproducible zip ({@link EvidenceBundle}), checked by {@code verify out.zip}. No Spring,
 * database or network; the data directory defaults to {@code SELFHEAL_DATA_DIR}, else {@code ./data}.
 * Exit 0 written, 2 usage or nothing to bundle.
 */
public final class BundleCommand {

    public static final String NAME = "bundle";

    private BundleCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        LocalDate from = null;
        LocalDate to = null;
        String env = System.getenv("SELFHEAL_DATA_DIR");
        Path dataDir = Path.of(env == null || env.isBlank() ? "./data" : env);
        Path target = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--from" -> from = LocalDate.parse(args[++i]);
                    case "--to" -> to = LocalDate.parse(args[++i]);
                    case "--data-dir" -> dataDir = Path.of(args[++i]);
                    default -> {
                        if (target != null || args[i].startsWith("--")) {
                            return usage(err, "unexpected argument " + args[i]);
                        }
                        target = Path.of(args[i]);
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return usage(err, "an option needs a value");
        } catch (DateTimeParseException e) {
            return usage(err, "a day is YYYY-MM-DD: " + e.getParsedString());
        }
        if (from == null || to == null || target == null) {
            return usage(err, "--from, --to and the zip to write are required");
        }
        if (to.isBefore(from)) {
            return usage(err, "--to " + to + " is before --from " + from);
        }
        try {
            EvidenceBundle.Contents c = write(dataDir.resolve("docs/reports"), from, to, target);
            if (c.days().isEmpty()) {
                return usage(err, "no day folder between " + from + " and " + to + " in " + dataDir);
            }
            out.println("bundle " + target + ": " + c.days().size() + " day(s), " + c.files() + " files");
            for (String d : c.unsealed()) {
                out.println("warning: " + d + " is not sealed yet; verify will report it");
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("bundle: " + e);
            return 2;
        }
    }

    /** Writes the zip through a temp file beside it, so a bundle is whole or absent. */
    public static EvidenceBundle.Contents write(Path reportsRoot, LocalDate from, LocalDate to, Path target)
            throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            EvidenceBundle.Contents c;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                c = EvidenceBundle.write(reportsRoot, from, to, out);
            }
            if (c.days().isEmpty()) {
                return c;
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return c;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("bundle: " + problem);
        err.println("usage: java -jar selfheal.jar bundle --from YYYY-MM-DD --to YYYY-MM-DD out.zip [--data-dir DIR]");
        return 2;
    }
}
