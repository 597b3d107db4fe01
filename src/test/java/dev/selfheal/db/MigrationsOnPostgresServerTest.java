package dev.selfheal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.selfheal.test.SelfhealTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Flyway migrates the machine's PostgreSQL server; row-level security lets the reader role read, not write. */
@SelfhealTest
class MigrationsOnPostgresServerTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate tx;

    @Test
    void everyMigrationAppliedAndTablesExist() {
        assertThat(jdbc.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
        Integer failed = jdbc.queryForObject("SELECT count(*) FROM flyway_schema_history WHERE NOT success",
                Integer.class);
        assertThat(failed).isZero();
        List<String> versions = jdbc.queryForList(
                "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank",
                String.class);
        assertThat(versions).startsWith("1", "2", "3", "4", "5");
        assertThat(jdbc.queryForList("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", String.class))
                .contains("phase4_metrics", "phase4_retry_history", "phase4_killswitch_log", "phase4_events",
                        "phase4_event_deliveries");
    }

    @Test
    void rowLevelSecurityIsOnForEveryPhase4Table() {
        List<String> withoutRls = jdbc.queryForList("""
                SELECT relname FROM pg_class
                 WHERE relkind = 'r' AND relname LIKE 'phase4_%' AND NOT relrowsecurity""", String.class);
        assertThat(withoutRls).isEmpty();
    }

    @Test
    void metricsAreOneRowPerRunId() {
        long runId = System.nanoTime();
        String upsert = """
                INSERT INTO phase4_metrics (run_id, repository, conclusion) VALUES (?, 'o/r', ?)
                ON CONFLICT (run_id) DO UPDATE SET conclusion = EXCLUDED.conclusion, updated_at = now()""";
        jdbc.update(upsert, runId, "failure");
        jdbc.update(upsert, runId, "success");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_metrics WHERE run_id = ?", Integer.class, runId))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT conclusion FROM phase4_metrics WHERE run_id = ?", String.class, runId))
                .isEqualTo("success");
    }

    @Test
    void readerRoleReadsButCannotWrite() {
        long runId = System.nanoTime();
        jdbc.update("INSERT INTO phase4_metrics (run_id, repository) VALUES (?, 'o/r')", runId);

        Integer seen = tx.execute(status -> {
            jdbc.execute("SET LOCAL ROLE selfheal_reader");
            return jdbc.queryForObject("SELECT count(*) FROM phase4_metrics WHERE run_id = ?", Integer.class, runId);
        });
        assertThat(seen).isEqualTo(1);

        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            jdbc.execute("SET LOCAL ROLE selfheal_reader");
            jdbc.update("INSERT INTO phase4_metrics (run_id, repository) VALUES (?, 'o/r')", runId + 1);
        })).rootCause().hasMessageContaining("permission denied for table phase4_metrics");

        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            jdbc.execute("SET LOCAL ROLE selfheal_reader");
            jdbc.update("UPDATE phase4_metrics SET conclusion = 'x' WHERE run_id = ?", runId);
        })).rootCause().hasMessageContaining("permission denied");
    }

    @Test
    void writerRoleWritesThroughItsPolicy() {
        long runId = System.nanoTime();
        tx.executeWithoutResult(status -> {
            jdbc.execute("SET LOCAL ROLE selfheal_writer");
            jdbc.update("INSERT INTO phase4_metrics (run_id, repository) VALUES (?, 'o/r')", runId);
        });
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_metrics WHERE run_id = ?", Integer.class, runId))
                .isEqualTo(1);
    }
}
