package dev.selfheal.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code selfheal observe-report --window-days 7 --observer-run-id ID} writes AUTO_OBSERVER_SUMMARY.md for that
 * run and window in the day folder; a run id that could name another path is refused before anything starts.
 */
class ObserveReportWritesSummaryTest {

    @TempDir
    Path tmp;

    @Test
    void summaryOfAnObserverRun() throws Exception {
        DocumentCommandRun run = new DocumentCommandRun(tmp).run(jdbc -> { },
                "observe-report", "--window-days", "7", "--observer-run-id", "obs-2026.11_a");
        assertThat(run.err).isEmpty();
        assertThat(run.exitCode).isZero();
        Path summary;
        try (var days = Files.list(run.dataDir.resolve("docs/reports"))) {
            summary = days.findFirst().orElseThrow().resolve("AUTO_OBSERVER_SUMMARY.md");
        }
        assertThat(run.out).contains("written " + summary);
        String doc = Files.readString(summary);
        assertThat(doc).startsWith("# AUTO_OBSERVER_SUMMARY — observer run obs-2026.11_a")
                .contains("(7 JST days)").contains("## Fleet KPIs").contains("`window_summary.final_success_rate`")
                .contains("## Top failing workflows (query `top_failing_workflows`)")
                .contains("[OPS_HEALTH_KPI.md](OPS_HEALTH_KPI.md)");
        // the link resolves: a day without governance documents gets them first
        assertThat(summary.resolveSibling("OPS_HEALTH_KPI.md")).exists();
    }

    @Test
    void aRunIdThatIsAPathIsRefused() {
        DocumentCommandRun run = new DocumentCommandRun(tmp).run(jdbc -> {
            throw new AssertionError("no context may start for a refused command");
        }, "observe-report", "--window-days", "7", "--observer-run-id", "../../etc");
        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).contains("observer run id must be");
    }
}
