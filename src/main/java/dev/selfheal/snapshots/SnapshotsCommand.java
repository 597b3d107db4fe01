package dev.selfheal.snapshots;

import dev.selfheal.policy.JsonPolicyReader;
import dev.selfheal.policy.MaskRules;
import dev.selfheal.policy.PolicyFileException;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar selfheal.jar snapshots list | diff A B | restore ID [--dry-run]}: the snapshots of config/ and
 * routes/ kept under {@code <data-dir>/snapshots/}, without Spring, Camel or a database. The directories are
 * {@code --data-dir}, {@code --config-dir}, {@code --routes-dir}, else {@code SELFHEAL_DATA_DIR},
 * {@code SELFHEAL_CONFIG_DIR}, {@code SELFHEAL_ROUTES_DIR}, else ./data, ./config, ./routes. Restore writes each file
 * atomically; a running service reloads the routes through its validating reload and reads config at its next
 * start. What is printed passes the sanitizer of the config's mask rules (when present). Exit codes: 0 ok, 2 usage
 * or input error.
 */
public final class SnapshotsCommand {

    public static final String NAME = "snapshots";
    static final int OK = 0;
    static final int USAGE = 2;
    private static final String USAGE_TEXT = """
            usage: selfheal snapshots list
                   selfheal snapshots diff A B
                   selfheal snapshots restore ID [--dry-run]
            options: --data-dir DIR --config-dir DIR --routes-dir DIR""";

    private SnapshotsCommand() {
    }

    /** From {@code SelfhealApplication.main} when the first argument is {@code snapshots}. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        Path data = Path.of(env.getOrDefault("SELFHEAL_DATA_DIR", "./data"));
        Path config = Path.of(env.getOrDefault("SELFHEAL_CONFIG_DIR", "./config"));
        Path routes = Path.of(env.getOrDefault("SELFHEAL_ROUTES_DIR", "./routes"));
        List<String> positional = new ArrayList<>();
        boolean dryRun = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--data-dir" -> data = Path.of(value(args, ++i));
                    case "--config-dir" -> config = Path.of(value(args, ++i));
                    case "--routes-dir" -> routes = Path.of(value(args, ++i));
                    case "--dry-run" -> dryRun = true;
                    case "-h", "--help" -> {
                        out.println(USAGE_TEXT);
                        return OK;
                    }
                    default -> {
                        if (args[i].startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + args[i]);
                        }
                        positional.add(args[i]);
                    }
                }
            }
            Snapshots snapshots = new Snapshots(data, config, routes);
            String command = positional.isEmpty() ? "" : positional.get(0);
            switch (command) {
                case "list" -> {
                    expect(positional, 1);
                    list(snapshots, out);
                }
                case "diff" -> {
                    expect(positional, 3);
                    diff(snapshots, positional.get(1), positional.get(2), out, sanitizer(config, env));
                }
                case "restore" -> {
                    expect(positional, 2);
                    restore(snapshots, positional.get(1), !dryRun, out);
                }
                default -> throw new IllegalArgumentException("give list, diff A B or restore ID\n" + USAGE_TEXT);
            }
            return OK;
        } catch (IllegalArgumentException | IOException | PolicyFileException e) {
            err.println("selfheal snapshots: " + e.getMessage());
            return USAGE;
        }
    }

    private static void list(Snapshots snapshots, PrintStream out) throws IOException {
        List<Snapshots.Snapshot> all = snapshots.list();
        if (all.isEmpty()) {
            out.println("no snapshots under " + snapshots.root());
            return;
        }
        out.printf("%-6s %-24s %-6s %s%n", "id", "taken (UTC)", "files", "reason");
        for (Snapshots.Snapshot s : all) {
            out.printf("%-6s %-24s %-6d %s%n", s.id(), s.takenAt().toString(), s.files().size(), s.reason());
        }
    }

    private static void diff(Snapshots snapshots, String a, String b, PrintStream out, Sanitizer sanitizer)
            throws IOException {
        List<Snapshots.Change> changes = snapshots.diff(a, b);
        if (changes.isEmpty()) {
            out.println("no difference between " + a + " and " + b);
            return;
        }
        for (Snapshots.Change c : changes) {
            out.println(c.kind() + " " + c.path());
            c.lines().forEach(l -> out.println("    " + sanitizer.sanitize(l)));
        }
    }

    private static void restore(Snapshots snapshots, String id, boolean apply, PrintStream out) throws IOException {
        Snapshots.Restore r = snapshots.restore(id, apply);
        String verb = apply ? "restored" : "would restore";
        out.println(verb + " snapshot " + r.id() + ": " + (r.written().isEmpty() ? "every file already matches"
                : r.written().size() + " file(s) " + (apply ? "written" : "to write") + ": " + r.written()));
        if (r.safetySnapshotId() != null) {
            out.println("the state before is snapshot " + r.safetySnapshotId() + " (restore it to undo)");
        }
        if (!r.notInSnapshot().isEmpty()) {
            out.println("left in place (not in the snapshot): " + r.notInSnapshot());
        }
        if (apply && r.written().stream().anyMatch(p -> p.startsWith("config/"))) {
            out.println("config files take effect at the next start of the service; routes are reloaded at once");
        }
    }

    /** The sanitizer of the config's mask rules (the diff shows file lines, so it needs them). */
    private static Sanitizer sanitizer(Path config, Map<String, String> env) {
        String token = env.get("SELFHEAL_GITHUB_TOKEN");
        List<String> secrets = token == null || token.isBlank() ? List.of() : List.of(token);
        Path mask = config.resolve(PolicyFiles.MASK);
        if (!Files.isRegularFile(mask)) {
            throw new IllegalArgumentException("mask rules " + mask + " not found: diff lines are shown sanitized "
                    + "(give --config-dir)");
        }
        return new Sanitizer(JsonPolicyReader.read(mask, MaskRules.class), secrets);
    }

    private static void expect(List<String> positional, int n) {
        if (positional.size() != n) {
            throw new IllegalArgumentException("wrong number of arguments\n" + USAGE_TEXT);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option " + args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
