package dev.selfheal.governance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.evidence.EvidenceLinkChecker;
import dev.selfheal.kpi.KpiQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code selfheal docs generate} writes OPS_HEALTH_KPI.md and ROLLBACK_PROTOCOL.md into the day folder and the
 * docs folder: every number of the KPI table names an existing query and column, the improvement notes come from
 * the data (the top unknown failure), the rollback history lists the kill-switch and rollback logs, and every
 * link resolves.
 */
class DocsGenerateWritesLinkedDocumentsTest {

    @TempDir
    Path tmp;

    @Test
    void documentsAreGeneratedTraceableAndLinked() throws Exception {
        String repo = "kpi-docs/r" + System.nanoTime();
        String target = "kpi-docs-route-" + System.nanoTime();
        String hangar = "hangar" + System.nanoTime();
        DocumentCommandRun run = new DocumentCommandRun(tmp).run(jdbc -> {
            long runId = System.nanoTime() % 1_000_000_000_000L * 100 + 7;
            Timestamp now = Timestamp.from(Instant.now().minusSeconds(60));
            jdbc.update("INSERT INTO phase4_metrics (run_id, repository, workflow_name, run_attempt, status, conclusion, "
                    + "failure_category, final_failure, duration_seconds, created_at) VALUES (?, ?, 'deploy', 1, "
                    + "'completed', 'failure', 'unknown', true, 42, ?)", runId, repo, now);
            // many occurrences, so it is the top unknown failure whatever else the shared database holds (earlier
            // runs of this test left theirs)
            jdbc.update("DELETE FROM phase4_events WHERE event_type = 'failure_classified' "
                    + "AND payload -> 'suggestedRule' ->> 'normalised' LIKE 'Error: zeppelin %'");
            for (int i = 0; i < 40; i++) {
                Long event = jdbc.queryForObject("INSERT INTO phase4_events (event_type, repository, run_id, run_attempt, "
                    + "payload) VALUES ('failure_classified', ?, ?, 1, CAST(? AS jsonb)) RETURNING id", Long.class, repo,
                    runId, "{\"category\":\"unknown\",\"suggestedRule\":{\"normalised\":\"Error: zeppelin <n> "
                            + "grounded in " + hangar + "\",\"pattern\":\"Error: zeppelin \\\\d+ grounded\",\"id\":\"s\"}}");
                jdbc.update("DELETE FROM phase4_event_deliveries WHERE event_id = ?", event);
            }
            // a finished drill: an open stop row is an engaged kill switch for every service on this database
            jdbc.update("INSERT INTO phase4_killswitch_log (actor, reason, target, action, condition_id, released_at) "
                    + "VALUES ('admin', 'storm drill', ?, 'stop', 'retry-storm', now())", target);
            jdbc.update("INSERT INTO phase4_rollback_log (repository, workflow, mode, trigger, actor, reason, outcome, "
                    + "steps) VALUES (?, 'deploy.yml', 'dry-run', 'mbean', 'admin', 'rollback drill', 'planned', "
                    + "'[]'::jsonb)", repo);
        }, "docs", "generate");
        assertThat(run.err).isEmpty();
        assertThat(run.exitCode).isZero();

        Path day;
        try (var days = Files.list(run.dataDir.resolve("docs/reports"))) {
            day = days.findFirst().orElseThrow();
        }
        for (Path dir : List.of(day, run.docsDir)) {
            Path kpi = dir.resolve("OPS_HEALTH_KPI.md");
            Path rollback = dir.resolve("ROLLBACK_PROTOCOL.md");
            assertThat(run.out).contains("written " + kpi, "written " + rollback);
            String kpiDoc = Files.readString(kpi);
            assertThat(kpiDoc).contains("[ROLLBACK_PROTOCOL.md](ROLLBACK_PROTOCOL.md)")
                    .contains("Top unknown failure (query `unknown_failures`): `Error: zeppelin <n> grounded in " + hangar + "`, "
                            + "40 failure(s) in 1 run(s); add a rule such as `Error: zeppelin \\d+ grounded`")
                    .contains("| final success rate |").contains("≥ 95.0 %").contains("Most failed runs (query "
                            + "`top_failing_workflows`)");
            assertEveryNumberNamesAQuery(kpiDoc);
            String rollbackDoc = Files.readString(rollback);
            assertThat(rollbackDoc).contains("[OPS_HEALTH_KPI.md](OPS_HEALTH_KPI.md)").contains("| retry-storm |")
                    .contains(target).contains("storm drill").contains("consecutive-failures")
                    .contains("| " + repo + " | deploy.yml | dry-run | mbean | admin | rollback drill | planned |");
            assertThat(new EvidenceLinkChecker().check(dir)).filteredOn(b -> b.file().equals(kpi)
                    || b.file().equals(rollback)).isEmpty();
        }
    }

    /** Each row of the KPI table ends with the query.column its value comes from, and that query exists. */
    private static void assertEveryNumberNamesAQuery(String doc) {
        Set<String> queries = KpiQueries.load().keySet();
        String table = doc.substring(doc.indexOf("| KPI |"), doc.indexOf("## Per repository"));
        Pattern source = Pattern.compile("`([a-z_]+)\\.([a-z_0-9]+)[^`]*` \\|$");
        List<String> rows = table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| KPI")).toList();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(12);
        for (String row : rows) {
            Matcher m = source.matcher(row);
            assertThat(m.find()).as(row).isTrue();
            assertThat(queries).as(row).contains(m.group(1));
            assertThat(KpiQueries.load().get(m.group(1)).sql()).as(row).contains(m.group(2));
        }
    }
}
