package dev.selfheal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code selfheal demo reset} removes the demo's data so the next start replays it; it refuses while the demo's
 * PostgreSQL still runs, and refuses a directory that is not the demo's.
 */
class DemoResetReplaysTheDemoTest {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int reset(String... args) {
        return DemoReset.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void removesAStoppedDemosData(@TempDir Path tmp) throws Exception {
        Path demo = tmp.resolve("demo");
        Files.createDirectories(demo.resolve("pg"));
        Files.createDirectories(demo.resolve("docs/reports/2026-11-23"));
        Files.writeString(demo.resolve("pg/postmaster.pid"), "999999999\n");
        Files.writeString(demo.resolve("docs/reports/2026-11-23/RUNS_SUMMARY.json"), "{}");

        assertThat(reset("reset", "--data-dir", demo.toString())).isZero();
        assertThat(demo).doesNotExist();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Demo data removed");
    }

    @Test
    void refusesWhileTheDemoRuns(@TempDir Path tmp) throws Exception {
        Path demo = tmp.resolve("demo");
        Files.createDirectories(demo.resolve("pg"));
        Files.writeString(demo.resolve("pg/postmaster.pid"), ProcessHandle.current().pid() + "\n");

        assertThat(reset("reset", "--data-dir", demo.toString())).isEqualTo(2);
        assertThat(demo.resolve("pg/postmaster.pid")).exists();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("still running");
    }

    @Test
    void refusesWhatIsNotADemoDirectoryAndBadUsage(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("precious.txt"), "keep me");

        assertThat(reset("reset", "--data-dir", tmp.toString())).isEqualTo(2);
        assertThat(tmp.resolve("precious.txt")).exists();
        assertThat(reset("rest")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: selfheal demo reset");
    }
}
