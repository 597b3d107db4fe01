package dev.selfheal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.selfheal.SelfhealApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The embedded PostgreSQL refuses a local login without the password (initdb's default is trust for every local
 * TCP connection, as superuser); the service itself logs in with the password it keeps in a 0600 file.
 */
@CamelSpringBootTest
@SpringBootTest(classes = SelfhealApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class EmbeddedPostgresNeedsItsPasswordTest {

    static Path dataDir;

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws IOException {
        dataDir = Files.createTempDirectory("selfheal-embedded-password");
        registry.add("selfheal.data-dir", dataDir::toString);
    }

    @Autowired
    EmbeddedPostgres embedded;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aLoginWithoutThePasswordIsRefused() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres";

        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "wrong")).isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
        Path file = dataDir.resolve("pg.password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var c = DriverManager.getConnection(url, "postgres", Files.readString(file).strip())) {
            assertThat(c.isValid(2)).isTrue();
        }
        assertThat(jdbc.queryForObject("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid "
                + "WHERE rolname = 'postgres'", Boolean.class)).isTrue();
    }
}
