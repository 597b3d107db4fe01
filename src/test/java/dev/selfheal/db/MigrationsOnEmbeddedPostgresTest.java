package dev.selfheal.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.SelfhealApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With no spring.datasource.url the service runs its own PostgreSQL 16 under <data-dir>/pg and migrates it. */
@CamelSpringBootTest
@SpringBootTest(classes = SelfhealApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class MigrationsOnEmbeddedPostgresTest {

    static Path dataDir;

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws IOException {
        dataDir = Files.createTempDirectory("selfheal-embedded");
        registry.add("selfheal.data-dir", dataDir::toString);
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    EmbeddedPostgres embedded;

    @Test
    void embeddedPostgres16IsMigratedWithItsDataUnderTheDataDir() {
        assertThat(jdbc.queryForObject("SHOW server_version", String.class)).startsWith("16.");
        assertThat(Files.exists(dataDir.resolve("pg").resolve("PG_VERSION"))).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM flyway_schema_history WHERE success", Integer.class))
                .isGreaterThanOrEqualTo(5);
        assertThat(jdbc.queryForObject("SELECT relrowsecurity FROM pg_class WHERE relname = 'phase4_metrics'",
                Boolean.class)).isTrue();
        assertThat(embedded.getPort()).isPositive();
    }
}
