package dev.selfheal.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.selfheal.config.SelfhealProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The zero-setup default: with no {@code spring.datasource.url}, run PostgreSQL 16 from the Maven artifact with
 * its data under {@code <data-dir>/pg}, so {@code ./mvnw spring-boot:run} needs nothing installed. Every
 * connection needs the superuser's password (scram-sha-256), generated once into {@code <data-dir>/pg.password}
 * (0600): other local users and processes cannot log in as they could with initdb's trust. The server is
 * stopped by Spring after everything that uses it (Camel included), not by a JVM hook racing the shutdown.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoDataSourceUrlCondition.class)
public class EmbeddedDatabaseConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    // stopped by EmbeddedPostgresStop, which says so in the log
    @Bean(destroyMethod = "")
    EmbeddedPostgres embeddedPostgres(SelfhealProperties properties) throws IOException {
        Path dataDir = properties.dataDir().resolve("pg").toAbsolutePath();
        Files.createDirectories(dataDir);
        StalePostmaster.stopIfRunning(dataDir);
        String password = EmbeddedPassword.readOrCreate(properties.dataDir().resolve("pg.password"));
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setConnectConfig("password", password)
                .start();
        EmbeddedPassword.requireIt(pg, dataDir, password);
        LOG.info("Embedded PostgreSQL 16 on port {} with data in {} (password in pg.password)", pg.getPort(), dataDir);
        return pg;
    }

    /**
     * Stops the server when Spring destroys the beans: after Camel (stopped when the context starts closing)
     * and everything else that used the database.
     */
    @Bean
    DisposableBean embeddedPostgresStop(EmbeddedPostgres pg) {
        return () -> {
            pg.close();
            LOG.info("Embedded PostgreSQL stopped");
        };
    }

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    DataSource dataSource(EmbeddedPostgres pg, SelfhealProperties properties) throws IOException {
        HikariDataSource ds = new HikariDataSource();
        ds.setDriverClassName("org.postgresql.Driver");
        ds.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
        ds.setUsername("postgres");
        ds.setPassword(EmbeddedPassword.readOrCreate(properties.dataDir().resolve("pg.password")));
        ds.setPoolName("selfheal-embedded");
        return ds;
    }
}
