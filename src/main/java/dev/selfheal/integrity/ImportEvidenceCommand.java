package dev.selfheal.integrity;

import dev.selfheal.policy.JsonPolicyReader;
import dev.selfheal.policy.MaskRules;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.sanitize.Sanitizer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar selfheal.jar import-evidence DIR [--data-dir D] [--config-dir C]}: earlier, manually collected
 * run folders recorded into today's day folder ({@link EvidenceImport}). No Spring, database or network; the mask
 * rules come from the config directory ({@code SELFHEAL_CONFIG_DIR}, else {@code ./config}), the data directory
 * from {@code SELFHEAL_DATA_DIR}, else {@code ./data}. Exit 0 all imported, 1 some files refused (named), 2 usage.
 */
public final class ImportEvidenceCommand {

    public static final String NAME = "import-evidence";

    private ImportEvidenceCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Path dataDir = Path.of(env.getOrDefault("SELFHEAL_DATA_DIR", "./data"));
        Path configDir = Path.of(env.getOrDefault("SELFHEAL_CONFIG_DIR", "./config"));
        Path source = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--data-dir" -> dataDir = Path.of(args[++i]);
                    case "--config-dir" -> configDir = Path.of(args[++i]);
                    default -> {
                        if (source != null || args[i].startsWith("--")) {
                            return usage(err, "unexpected argument " + args[i]);
                        }
                        source = Path.of(args[i]);
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return usage(err, "an option needs a value");
        }
        if (source == null || !Files.isDirectory(source) || Files.isSymbolicLink(source)) {
            return usage(err, "name a directory of run folders to import");
        }
        Path mask = configDir.resolve(PolicyFiles.MASK);
        if (!Files.isRegularFile(mask)) {
            return usage(err, "mask rules " + mask + " not found (give --config-dir or set SELFHEAL_CONFIG_DIR)");
        }
        try {
            List<String> secrets = new ArrayList<>();
            for (String name : List.of("SELFHEAL_GITHUB_TOKEN", "SELFHEAL_GITHUB_WEBHOOK_SECRET",
                    "SELFHEAL_SLACK_WEBHOOK_URL")) {
                if (env.get(name) != null && !env.get(name).isBlank()) {
                    secrets.add(env.get(name));
                }
            }
            Sanitizer sanitizer = new Sanitizer(JsonPolicyReader.read(mask, MaskRules.class), secrets);
            ReportFolders folders = new ReportFolders(dataDir.resolve("docs/reports").toAbsolutePath().normalize(),
                    Clock.systemUTC());
            EvidenceImport.Result r = EvidenceImport.run(source, folders, sanitizer);
            out.println("import-evidence " + source + " -> " + r.target() + ": " + r.imported().size()
                    + " file(s) imported, " + r.refused().size() + " refused");
            r.refused().forEach(x -> out.println("refused  " + sanitizer.sanitize(x)));
            return r.refused().isEmpty() ? 0 : 1;
        } catch (Exception e) {
            err.println("import-evidence: " + e.getMessage());
            return 2;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("import-evidence: " + problem);
        err.println("usage: java -jar selfheal.jar import-evidence DIR [--data-dir DIR] [--config-dir DIR]");
        return 2;
    }
}
