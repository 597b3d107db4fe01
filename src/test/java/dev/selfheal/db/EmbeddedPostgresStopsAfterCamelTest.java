package dev.selfheal.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.SelfhealApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Closing the service (what its SIGTERM hook does) on its embedded PostgreSQL: Camel stops first, then the
 * database, and nothing in between fails for want of a connection (zonky's own JVM hook, which stopped the
 * database in parallel with Camel's drain, is not registered).
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedPostgresStopsAfterCamelTest {

    @Test
    void camelStopsThenTheDatabase(CapturedOutput output) throws Exception {
        Path data = Files.createTempDirectory("selfheal-stop-order");
        ConfigurableApplicationContext app = new SpringApplicationBuilder(SelfhealApplication.class)
                .profiles("test").run("--selfheal.data-dir=" + data, "--server.port=0", "--management.server.port=0",
                        "--logging.level.org.apache.camel.impl.engine=INFO", "--logging.level.dev.selfheal.db=INFO");
        EmbeddedPostgres pg = app.getBean(EmbeddedPostgres.class);
        long postmaster = Long.parseLong(Files.readAllLines(data.resolve("pg/postmaster.pid")).get(0).trim());
        int before = output.getAll().length();

        app.close();

        String stopping = output.getAll().substring(before);
        List<String> lines = stopping.lines().toList();
        int camelStopped = indexOf(lines, "Apache Camel", "shutdown");
        int databaseStopped = indexOf(lines, "Embedded PostgreSQL stopped", "");
        assertThat(camelStopped).as("Camel's shutdown line").isNotNegative();
        assertThat(databaseStopped).as("the database stopped after Camel").isGreaterThan(camelStopped);
        assertThat(stopping).doesNotContain("Connection refused")
                .doesNotContain("terminating connection due to administrator command");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() ->
                !ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false));
        assertThat(pg.getPort()).isPositive();
    }

    static int indexOf(List<String> log, String a, String b) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(a) && log.get(i).contains(b)) {
                return i;
            }
        }
        return -1;
    }
}
