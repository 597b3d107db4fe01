package dev.selfheal.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL runs detached from the JVM: a SIGKILL of the service leaves it running and holding
 * the data directory. Before starting, stop such a leftover (SIGTERM = PostgreSQL's smart shutdown) so a
 * restart after a crash works.
 */
final class StalePostmaster {

    private static final Logger LOG = LoggerFactory.getLogger(StalePostmaster.class);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private StalePostmaster() {
    }

    static void stopIfRunning(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (process.isEmpty()) {
            return;
        }
        LOG.warn("A PostgreSQL left running by an earlier crash (pid {}) holds {}; stopping it", pid, dataDir);
        process.get().destroy();
        Instant deadline = Instant.now().plus(WAIT);
        while (process.get().isAlive() && Instant.now().isBefore(deadline)) {
            process.get().onExit().orTimeout(1, java.util.concurrent.TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        if (process.get().isAlive()) {
            throw new IllegalStateException("PostgreSQL pid " + pid + " still holds " + dataDir
                    + " after " + WAIT.toSeconds() + " s; stop it by hand");
        }
    }
}
