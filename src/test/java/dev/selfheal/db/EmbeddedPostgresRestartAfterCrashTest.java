package dev.selfheal.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL runs detached from the JVM: a SIGKILLed service leaves it running and holding the data
 * directory. The next start stops that leftover first and then starts on the same data, nothing lost.
 */
class EmbeddedPostgresRestartAfterCrashTest {

    @Test
    void leftoverPostmasterIsStoppedAndTheDataSurvives() throws Exception {
        Path data = Files.createTempDirectory("selfheal-crash").resolve("pg");
        Files.createDirectories(data);
        // the service in a JVM of its own: starts PostgreSQL, writes a row, and is SIGKILLed
        Process service = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), CrashingService.class.getName(), data.toString())
                .redirectErrorStream(true).start();
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(service.getInputStream()));
        String line;
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            // PostgreSQL's start-up chatter
        }
        assertThat(line).as("the child JVM started PostgreSQL").isEqualTo("READY");
        service.destroyForcibly().waitFor();
        long leftoverPid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        assertThat(ProcessHandle.of(leftoverPid).map(ProcessHandle::isAlive)).contains(true);

        StalePostmaster.stopIfRunning(data);

        assertThat(ProcessHandle.of(leftoverPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        try (EmbeddedPostgres restarted = EmbeddedPostgres.builder().setDataDirectory(data)
                .setCleanDataDirectory(false).start();
                Connection c = restarted.getPostgresDatabase().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT note FROM survived")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("written before the crash");
        }
    }

    @Test
    void nothingToStopWhenNoPostmasterIsLeft() throws Exception {
        Path data = Files.createTempDirectory("selfheal-clean");
        StalePostmaster.stopIfRunning(data);
        Files.writeString(data.resolve("postmaster.pid"), "999999999\n");
        StalePostmaster.stopIfRunning(data);
        assertThat(data.resolve("postmaster.pid")).exists();
    }

    /** The "service" that crashes: starts the embedded PostgreSQL on the data dir, writes, then waits to be killed. */
    public static final class CrashingService {
        public static void main(String[] args) throws Exception {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(Path.of(args[0]))
                    .setCleanDataDirectory(false).start();
            try (Connection c = pg.getPostgresDatabase().getConnection()) {
                c.createStatement().execute("CREATE TABLE survived (note text)");
                c.createStatement().execute("INSERT INTO survived VALUES ('written before the crash')");
            }
            System.out.println("READY");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
