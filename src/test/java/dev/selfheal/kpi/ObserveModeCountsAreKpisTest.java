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
 * observe_would_have: what observe mode held back in the window, per decision, for how many runs, and how many of
 * those runs succeeded later anyway; the kill switch's held-back writes are not counted. Known answers on rows
 * written for one repository.
 */
@SelfhealTest
class ObserveModeCountsAreKpisTest {

    @Autowired
    KpiQueries queries;
    @Autowired
    JdbcTemplate jdbc;

    private void withheld(String by, String decision, String repo, long run) {
        jdbc.update("INSERT INTO phase4_withheld_writes (withheld_by, method, path, decision, route, repository, "
                + "run_id) VALUES (?, 'POST', '/repos/x', ?, 'retry-dispatch', ?, ?)", by, decision, repo, run);
    }

    @Test
    void wouldHaveCountsPerDecision() {
        String repo = "observe-kpi/r" + System.nanoTime() % 1_000_000;
        long base = System.nanoTime() % 1_000_000_000L * 10;
        jdbc.update("INSERT INTO phase4_metrics (run_id, repository, conclusion, status) VALUES (?, ?, 'success', "
                + "'completed'), (?, ?, 'failure', 'completed')", base + 1, repo, base + 2, repo);
        withheld("observe", "would re-run", repo, base + 1);
        withheld("observe", "would re-run", repo, base + 2);
        withheld("observe", "would re-run", repo, base + 2);
        withheld("observe", "would open an issue", repo, base + 2);
        withheld("killswitch", "would re-run", repo, base + 1);

        List<Map<String, Object>> rows = queries.rows("observe_would_have",
                KpiWindow.endingOn(Instant.now(), 7).forRepository(repo));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsEntry("decision", "would re-run").containsEntry("writes", 3L)
                .containsEntry("runs", 2L).containsEntry("later_succeeded", 1L);
        assertThat(rows.get(1)).containsEntry("decision", "would open an issue").containsEntry("writes", 1L)
                .containsEntry("runs", 1L).containsEntry("later_succeeded", 0L);
    }
}
