package dev.selfheal.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.SelfhealTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The rollup refreshed incrementally, through inserts and later changes of runs (a recovery, a final failure, a
 * re-run counted), is the table a full recompute from every run builds.
 */
@SelfhealTest
class RollupIncrementalEqualsFullRecomputeTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    KpiRollup rollup;

    @Test
    void incrementalRefreshEqualsFullRecompute() {
        KpiSeed seed = new KpiSeed(jdbc);
        String repo = "kpi-incremental/r" + System.nanoTime();
        Instant day1 = Instant.parse("2001-03-05T02:00:00Z");
        Instant day2 = Instant.parse("2001-03-06T02:00:00Z");
        rollup.refresh();

        long a = seed.run(repo, "build", day1, 1, "failure", "transient_infrastructure", 0, null, false, 50);
        long b = seed.run(repo, "build", day1.plusSeconds(60), 1, "failure", "unknown", 0, null, false, 70);
        seed.run(repo, "lint", day2, 1, "success", null, 0, null, false, 10);
        assertThat(rollup.refresh()).isGreaterThanOrEqualTo(2);
        assertThat(runsOf(repo)).isEqualTo(3);

        // later steps change the rows the way the retry and recovery modules do
        jdbc.update("UPDATE phase4_metrics SET retry_count = 1, run_attempt = 2, conclusion = 'success', recovered = true, "
                + "recovered_at = created_at + interval '5 minutes' WHERE run_id = ?", a);
        jdbc.update("UPDATE phase4_metrics SET final_failure = true WHERE run_id = ?", b);
        seed.run(repo, "lint", day2.plusSeconds(30), 2, "success", null, 0, null, false, 12);
        rollup.refresh();

        List<Map<String, Object>> incremental = table();
        assertThat(jdbc.queryForObject("SELECT sum(healed_runs) FROM phase4_kpi_daily WHERE repository = ?",
                Long.class, repo)).isEqualTo(1L);
        assertThat(jdbc.queryForObject("SELECT sum(final_failures) FROM phase4_kpi_daily WHERE repository = ?",
                Long.class, repo)).isEqualTo(1L);
        assertThat(runsOf(repo)).isEqualTo(4);

        rollup.recomputeAll();
        assertThat(table()).isEqualTo(incremental);
    }

    private long runsOf(String repo) {
        return jdbc.queryForObject("SELECT coalesce(sum(runs), 0) FROM phase4_kpi_daily WHERE repository = ?",
                Long.class, repo);
    }

    private List<Map<String, Object>> table() {
        return jdbc.queryForList("SELECT * FROM phase4_kpi_daily ORDER BY day, repository, workflow_name, "
                + "failure_category");
    }
}
