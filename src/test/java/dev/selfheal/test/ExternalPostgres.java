package dev.selfheal.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points a test context at the machine's PostgreSQL server (127.0.0.1:5432, user postgres, trust auth), in the
 * database {@code SELFHEAL_TEST_DB} (default {@code selfheal_test}), created here if missing so
 * {@code ./mvnw verify} needs no set-up step. {@code SELFHEAL_TEST_PG} overrides host:port. Each context also
 * gets its own temporary data dir.
 */
public class ExternalPostgres implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static String serverUrl() {
        return "jdbc:postgresql://" + System.getenv().getOrDefault("SELFHEAL_TEST_PG", "127.0.0.1:5432") + "/";
    }

    public static String database() {
        return System.getenv().getOrDefault("SELFHEAL_TEST_DB", "selfheal_test");
    }

    public static String jdbcUrl() {
        return serverUrl() + database();
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ensureDatabase();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("selfheal-test-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("selfheal-test-postgres", Map.of(
                "spring.datasource.url", jdbcUrl(),
                "spring.datasource.username", "postgres",
                "selfheal.data-dir", dataDir.toString())));
    }

    public static synchronized void ensureDatabase() {
        try (Connection c = DriverManager.getConnection(serverUrl() + "postgres", "postgres", "")) {
            boolean exists;
            try (var rs = c.createStatement().executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = '" + database() + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                c.createStatement().execute("CREATE DATABASE " + database());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The tests need the PostgreSQL server at " + serverUrl()
                    + " (user postgres, trust auth); .ci/run starts it. " + e.getMessage(), e);
        }
    }
}
