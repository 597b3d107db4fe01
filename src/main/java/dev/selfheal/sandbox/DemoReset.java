package dev.selfheal.sandbox;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * {@code java -jar selfheal.jar demo reset [--data-dir DIR]}: removes the demo's data (embedded database, reports,
 * inbox; {@code ./data/demo} by default) so the next {@code demo} start replays the whole loop from the beginning.
 * Refuses while the demo still runs (its PostgreSQL's postmaster is alive), and never touches a directory that is
 * not a demo data directory.
 */
public final class DemoReset {

    public static final String NAME = "demo";
    static final String USAGE = "usage: selfheal demo reset [--data-dir DIR]   (default ./data/demo)";

    private DemoReset() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command ({@code args} after {@code demo}); returns the exit code (0 done, 2 refused). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> a = List.of(args);
        if (a.isEmpty() || !a.get(0).equals("reset") || !(a.size() == 1 || a.size() == 3 && a.get(1).equals("--data-dir"))) {
            err.println("selfheal demo: " + USAGE);
            return 2;
        }
        Path dir = Path.of(a.size() == 3 ? a.get(2) : "data/demo").toAbsolutePath().normalize();
        if (!Files.exists(dir)) {
            out.println("Nothing to reset: " + dir + " does not exist. Start the demo with "
                    + "./mvnw spring-boot:run -Dspring-boot.run.profiles=demo");
            return 0;
        }
        if (!Files.isDirectory(dir.resolve("pg")) && !Files.isDirectory(dir.resolve("docs"))) {
            err.println("selfheal demo: " + dir + " does not look like the demo's data directory (no pg/ or docs/): "
                    + "not removed");
            return 2;
        }
        Long running = runningPostmaster(dir.resolve("pg/postmaster.pid"));
        if (running != null) {
            err.println("selfheal demo: the demo is still running (its PostgreSQL, pid " + running + "): stop it "
                    + "first (Ctrl-C), then reset");
            return 2;
        }
        try {
            delete(dir);
        } catch (IOException e) {
            err.println("selfheal demo: could not remove " + dir + ": " + e.getMessage());
            return 2;
        }
        out.println("Demo data removed (" + dir + "): the next demo start replays the whole loop.");
        return 0;
    }

    private static Long runningPostmaster(Path pidFile) {
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void delete(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
