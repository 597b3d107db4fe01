package dev.selfheal.integrity;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@code java -jar selfheal.jar verify <data-dir | reports dir | day folder | bundle.zip> [--from DAY] [--to DAY]
 * [--public-key PEM]}: an auditor's check of copied evidence, with no Spring, database or network. Prints one line
 * per problem and a result line; exit code {@link #VERIFIED} 0, {@link #MISMATCH} 1, {@link #USAGE} 2
 * (docs/ops/AUDIT.md).
 */
public final class VerifyCommand {

    public static final String NAME = "verify";
    public static final int VERIFIED = 0;
    public static final int MISMATCH = 1;
    public static final int USAGE = 2;

    private VerifyCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String target = null;
        LocalDate from = null;
        LocalDate to = null;
        Path keyFile = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--from" -> from = LocalDate.parse(args[++i]);
                    case "--to" -> to = LocalDate.parse(args[++i]);
                    case "--public-key" -> keyFile = Path.of(args[++i]);
                    default -> {
                        if (target != null || args[i].startsWith("--")) {
                            return usage(err, "unexpected argument " + args[i]);
                        }
                        target = args[i];
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return usage(err, "an option needs a value");
        } catch (DateTimeParseException e) {
            return usage(err, "a day is YYYY-MM-DD: " + e.getParsedString());
        }
        if (target == null) {
            return usage(err, "name the data directory, a day folder or a bundle");
        }
        Path path = Path.of(target);
        if (!Files.exists(path)) {
            return usage(err, target + " does not exist");
        }
        PublicKey key = null;
        if (keyFile != null) {
            try {
                key = SealKeys.readPublic(keyFile);
            } catch (Exception e) {
                return usage(err, keyFile + " is not an Ed25519 public key (X.509 PEM)");
            }
        }
        try {
            if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".zip")) {
                try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + path.toAbsolutePath().toUri()),
                        Map.of())) {
                    return report(zip.getPath("/"), from, to, key, target, out, err);
                }
            }
            Path root = path;
            if (Files.isDirectory(path.resolve("docs/reports"))) {
                root = path.resolve("docs/reports");
            } else if (dayFolderName(path) != null) {
                LocalDate day = LocalDate.parse(dayFolderName(path));
                root = path.toAbsolutePath().normalize().getParent();
                from = day;
                to = day;
            }
            return report(root, from, to, key, target, out, err);
        } catch (IOException | RuntimeException e) {
            err.println("verify: cannot read " + target + ": " + e);
            return USAGE;
        }
    }

    private static int report(Path root, LocalDate from, LocalDate to, PublicKey key, String target, PrintStream out,
            PrintStream err) throws IOException {
        EvidenceVerifier.Report report = EvidenceVerifier.verify(root, from, to, key);
        if (report.days().isEmpty()) {
            return usage(err, "no day folder (YYYY-MM-DD) to verify in " + target
                    + (from != null || to != null ? " between " + from + " and " + to : ""));
        }
        out.println("verify " + target + ": " + report.days().size() + " day(s), " + report.days().get(0).day()
                + " to " + report.days().get(report.days().size() - 1).day());
        for (EvidenceVerifier.DayResult d : report.days()) {
            out.println(d.day() + "  " + d.files() + " files, " + (d.sealed() ? "sealed" : "not sealed")
                    + (d.signed() ? ", signature verified" : ""));
        }
        report.findings().forEach(f -> out.println(f.toString()));
        if (report.ok()) {
            out.println("RESULT: VERIFIED");
            return VERIFIED;
        }
        long files = report.failures().stream().filter(f -> f.kind() == EvidenceVerifier.Kind.CHANGED
                || f.kind() == EvidenceVerifier.Kind.MISSING || f.kind() == EvidenceVerifier.Kind.EXTRA).count();
        String breaks = report.chainBreaksAt();
        out.println("RESULT: FAILED - " + files + " changed, missing or extra file(s)"
                + (breaks != null ? "; the chain breaks at " + breaks : "")
                + (report.failures().stream().anyMatch(f -> f.kind() == EvidenceVerifier.Kind.SIGNATURE)
                        ? "; a signature does not verify" : ""));
        return MISMATCH;
    }

    private static String dayFolderName(Path p) {
        Path name = p.toAbsolutePath().normalize().getFileName();
        return name != null && dev.selfheal.reports.ReportLayout.isDayName(name.toString())
                && Files.isDirectory(p) ? name.toString() : null;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("verify: " + problem);
        err.println("usage: java -jar selfheal.jar verify <data-dir | day folder | bundle.zip> [--from YYYY-MM-DD] "
                + "[--to YYYY-MM-DD] [--public-key key.pem]");
        return USAGE;
    }
}
