package dev.selfheal.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.test.SelfhealTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The day's summaries regenerate from the database: RUNS_SUMMARY.json holds the JST day's runs (a run at 23:30
 * UTC in the next day), AUTO_RETRY_MANIFEST.json the retries by run id, the audit summary the counts, and
 * _evidence_index.md lists every run of RUNS_SUMMARY with no broken link; a broken link is reported.
 */
@SelfhealTest
class EvidenceSummariesTest {

    static final List<String> DAY_FILES_ALWAYS = List.of("RUNS_SUMMARY.json", "PHASE4_AUDIT_SUMMARY.md",
            "_evidence_index.md", "_manifest.json", "logs", "audit_tickets", "artifacts", "screenshots");

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("selfheal.outbox.evidence.poll-delay", () -> "600s");
    }

    @Autowired
    EvidenceSummaries summaries;
    @Autowired
    EvidenceLinkChecker links;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SelfhealProperties properties;

    @Test
    void regeneratesDayFromDatabase() throws Exception {
        long late = 8_200_000_001L;
        long early = 8_200_000_002L;
        long otherDay = 8_200_000_003L;
        jdbc.update("DELETE FROM phase4_retry_history WHERE original_run_id BETWEEN ? AND ?", late, otherDay);
        jdbc.update("DELETE FROM phase4_metrics WHERE run_id BETWEEN ? AND ?", late, otherDay);
        insertRun(late, Instant.parse("2030-03-01T23:30:00Z"), "failure", "network");
        insertRun(early, Instant.parse("2030-03-02T02:00:00Z"), "success", null);
        insertRun(otherDay, Instant.parse("2030-03-01T14:59:00Z"), "success", null);
        jdbc.update("INSERT INTO phase4_retry_history (original_run_id, repository, attempt, category, reason, "
                + "interval_seconds, due_at, status, created_at) VALUES (?, 'octo-org/octo-repo', 1, 'network', "
                + "'ETIMEDOUT', 30, ?, 'sent', ?)", late, Timestamp.from(Instant.parse("2030-03-01T23:31:00Z")),
                Timestamp.from(Instant.parse("2030-03-01T23:30:30Z")));
        Path tickets = properties.reportsDir().resolve("2030-03-02/audit_tickets");
        Files.createDirectories(tickets);
        Files.writeString(tickets.resolve("TICKET-" + late + ".md"), "# ticket\n");

        List<EvidenceLinkChecker.BrokenLink> broken = summaries.regenerate(Instant.parse("2030-03-01T23:30:00Z"));
        assertThat(broken).isEmpty();

        Path day = properties.reportsDir().resolve("2030-03-02");
        ObjectMapper mapper = new ObjectMapper();
        JsonNode runs = mapper.readTree(day.resolve("RUNS_SUMMARY.json").toFile());
        assertThat(runs.get("runs").findValuesAsText("run_id")).containsExactly(Long.toString(late),
                Long.toString(early));
        assertThat(runs.get("runs").get(0).get("completed_at").asText()).isEqualTo("2030-03-01T23:30:00Z");
        JsonNode retries = mapper.readTree(day.resolve("AUTO_RETRY_MANIFEST.json").toFile());
        assertThat(retries.get("entries")).hasSize(1);
        assertThat(retries.get("entries").get(0).get("retries").get(0).get("category").asText()).isEqualTo("network");

        String index = Files.readString(day.resolve("_evidence_index.md"));
        for (JsonNode run : runs.get("runs")) {
            assertThat(index).contains("| " + run.get("run_id").asLong() + " |");
        }
        assertThat(index).doesNotContain(Long.toString(otherDay));
        String audit = Files.readString(day.resolve("PHASE4_AUDIT_SUMMARY.md"));
        assertThat(audit).contains("| 2 | 1 | 1 | 0 | 0 |").contains("| network | 1 |")
                .contains("(audit_tickets/TICKET-" + late + ".md)");

        Files.writeString(day.resolve("audit_tickets/TICKET-" + late + ".md"), "see [run](../artifacts/" + late
                + "/metadata.json)\n");
        assertThat(links.check(day)).singleElement().asString().contains("TICKET-" + late + ".md:1")
                .contains("metadata.json");
    }

    /**
     * a multi-line error body pasted into a bullet broke the summary's layout (its lines became
     * headings, table rows, bullets of their own). Each open issue stays one list item; the body's further lines are
     * a fenced block indented under it.
     */
    @Test
    void multiLineErrorBodyStaysInsideItsBullet() throws Exception {
        long run = 8_200_000_011L;
        Instant at = Instant.parse("2031-05-01T03:00:00Z");
        String body = "HTTP 422 Unprocessable | refused\n# Not a heading\n| a | b |\n- not a bullet\n```\nend";
        jdbc.update("DELETE FROM phase4_event_deliveries WHERE event_id IN (SELECT id FROM phase4_events WHERE run_id = ?)",
                run);
        jdbc.update("DELETE FROM phase4_events WHERE run_id = ?", run);
        Long id = jdbc.queryForObject("INSERT INTO phase4_events (event_type, repository, run_id, payload, occurred_at) "
                + "VALUES ('final_failure', 'octo-org/octo-repo', ?, jsonb_build_object('reason', ?::text), ?) "
                + "RETURNING id", Long.class, run, body, Timestamp.from(at));
        jdbc.update("UPDATE phase4_event_deliveries SET status = 'done' WHERE event_id = ?", id);

        summaries.regenerate(at);
        String audit = Files.readString(properties.reportsDir().resolve("2031-05-01/PHASE4_AUDIT_SUMMARY.md"));
        String open = audit.substring(audit.indexOf("## Open issues"), audit.indexOf("## Audit tickets"));
        List<String> lines = open.lines().skip(1).filter(l -> !l.isBlank()).toList();
        assertThat(lines.get(0)).isEqualTo("- final_failure octo-org/octo-repo run " + run
                + ": HTTP 422 Unprocessable \\| refused");
        assertThat(lines.subList(1, lines.size())).allMatch(l -> l.startsWith("  "));
        assertThat(lines).contains("  # Not a heading", "  | a | b |", "  - not a bullet", "  ````text", "  ````");
        assertThat(audit.lines().filter(l -> l.startsWith("## ")).toList()).containsExactly(
                "## Failures by category", "## Retries", "## Open issues (final failures, missing evidence)",
                "## Audit tickets");
    }

    void insertRun(long runId, Instant completed, String conclusion, String category) {
        jdbc.update("INSERT INTO phase4_metrics (run_id, repository, workflow_name, run_attempt, conclusion, "
                + "run_started_at, completed_at, failure_category, html_url) VALUES (?, 'octo-org/octo-repo', 'CI', 1, "
                + "?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING", runId, conclusion,
                Timestamp.from(completed.minusSeconds(60)), Timestamp.from(completed), category,
                "https://github.com/octo-org/octo-repo/actions/runs/" + runId);
    }
}
