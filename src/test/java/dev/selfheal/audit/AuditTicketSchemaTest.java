package dev.selfheal.audit;

import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.risk.RiskLevels;
import dev.selfheal.sanitize.Sanitizer;
import dev.selfheal.test.SelfhealTest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Audit tickets: written by the audit consumer for a final failure, valid against
 * schemas/audit-ticket.schema.json, with a readable Markdown twin; in the JST day folder with UTC inside; two
 * tickets in the same second are both kept.
 */
@SelfhealTest
class AuditTicketSchemaTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        // no Slack, GitHub unreachable: the audit consumer alone is under test
        fastSettings(registry, "http://127.0.0.1:1", null);
    }

    @BeforeAll
    static void settle() {
        settleLeftoverDeliveries();
    }

    @Autowired
    Outbox outbox;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ReportFolders folders;
    @Autowired
    Sanitizer sanitizer;
    @Autowired
    RiskLevels risks;
    @Autowired
    AuditTicketMarkdown markdown;
    @Autowired
    AuditProperties auditProperties;

    static JsonSchema schema() throws Exception {
        try (InputStream in = AuditTicketSchemaTest.class.getResourceAsStream("/schemas/audit-ticket.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    @Test
    void finalFailureTicketIsValidReadableAndMasked() throws Exception {
        String repo = uniqueRepository("audit");
        long run = runId();
        ObjectNode p = finalFailure(repo, run, "permission", "HTTP 403 Resource not accessible " + GITHUB_PAT);
        p.put("durationSeconds", 312);
        p.put("completedAt", "2026-01-10T23:30:05Z");
        p.putArray("artifacts").addObject().put("name", "test-results").put("sizeBytes", 1234)
                .put("sha256", "a".repeat(64));
        long eventId = outbox.record("final_failure", repo, run, 3, p);

        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM phase4_audit_tickets WHERE event_id = ?", Integer.class, eventId) == 1);
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM phase4_audit_tickets WHERE event_id = ?", eventId);
        Path json = folders.root().resolve((String) row.get("json_path"));
        Path md = folders.root().resolve((String) row.get("md_path"));
        assertThat(json.getParent().getFileName().toString()).isEqualTo("audit_tickets");
        assertThat(json.getParent().getParent().getFileName().toString())
                .isEqualTo(ReportFolders.jstDate(Instant.now()).toString());
        assertThat(json.getFileName().toString()).matches("audit_ticket_\\d{8}_\\d{6}(_\\d+)?\\.json");

        JsonNode ticket = mapper().readTree(json.toFile());
        assertThat(schema().validate(ticket)).isEmpty();
        assertThat(ticket.at("/run/runId").asLong()).isEqualTo(run);
        assertThat(ticket.at("/run/runUrl").asText()).isEqualTo("https://github.com/" + repo + "/actions/runs/" + run);
        assertThat(ticket.at("/run/actor").asText()).isEqualTo("octocat");
        assertThat(ticket.at("/run/result").asText()).isEqualTo("failure");
        assertThat(ticket.at("/run/time").asText()).isEqualTo("2026-01-10T23:30:05Z");
        assertThat(ticket.at("/run/durationSeconds").asDouble()).isEqualTo(312);
        assertThat(ticket.at("/artifacts/0/sha256").asText()).hasSize(64);
        assertThat(ticket.at("/classification/byCause/category").asText()).isEqualTo("permission");
        assertThat(ticket.at("/riskLevel").asText()).isEqualTo("high");
        assertThat(ticket.at("/createdAt").asText()).endsWith("Z");
        assertThat(ticket.toString()).doesNotContain(GITHUB_PAT).contains("[MASKED:github-pat]");

        String text = Files.readString(md);
        assertThat(text).startsWith("# Audit ticket " + ticket.get("ticketId").asText())
                .contains("**Risk level: HIGH**", "| Run id | " + run + " |", "| Actor | octocat |",
                        "| test-results | 1234 | " + "a".repeat(64) + " |", "## What Selfheal did", "## Links")
                .doesNotContain(GITHUB_PAT);

        // a dead letter with an HTTP code is classified by it
        long dl = outbox.record("dead_letter", repo, null, null, Map.of("method", "POST", "url", "https://api.github.com/repos/" + repo + "/dispatches", "route",
                "retry-execute", "status", 422, "category", "configuration", "message", "Workflow does not have "
                        + "'workflow_dispatch' trigger"));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM phase4_audit_tickets WHERE event_id = ?", Integer.class, dl) == 1);
        JsonNode dead = mapper().readTree(folders.root().resolve(jdbc.queryForObject(
                "SELECT json_path FROM phase4_audit_tickets WHERE event_id = ?", String.class, dl)).toFile());
        assertThat(schema().validate(dead)).isEmpty();
        assertThat(dead.at("/classification/byHttpCode/status").asInt()).isEqualTo(422);
        assertThat(dead.at("/classification/byHttpCode/class").asText()).isEqualTo("4xx");
        assertThat(dead.at("/classification/byHttpCode/meaning").asText()).isEqualTo("configuration");
        assertThat(dead.at("/riskLevel").asText()).isEqualTo("medium");
    }

    @Test
    void unknownFailureTicketCarriesErrorLinesAndSuggestedRule() throws Exception {
        String repo = uniqueRepository("audit-unknown");
        long run = runId();
        long eventId = outbox.record("final_failure", repo, run, 1, unknownFinalFailure(repo, run));

        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM phase4_audit_tickets WHERE event_id = ?", Integer.class, eventId) == 1);
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM phase4_audit_tickets WHERE event_id = ?", eventId);
        JsonNode ticket = mapper().readTree(folders.root().resolve((String) row.get("json_path")).toFile());
        String text = Files.readString(folders.root().resolve((String) row.get("md_path")));

        assertThat(schema().validate(ticket)).isEmpty();
        assertThat(ticket.at("/classification/byCause/category").asText()).isEqualTo("unknown");
        assertThat(ticket.at("/classification/byCause/errorLines/0").asText())
                .isEqualTo("Error: Deployment 8812 of environment 'staging' was rejected by protection rule 3");
        assertThat(ticket.at("/classification/byCause/suggestedRule/normalised").asText())
                .isEqualTo("Error: Deployment <n> of environment '<text>' was rejected by protection rule <n>");
        assertThat(ticket.at("/classification/byCause/suggestedRule/keywords/0").asText())
                .isEqualTo("was rejected by protection rule");
        assertThat(text).contains("### Last error lines (no rule recognised them)", "### Suggested rule",
                "\"id\":\"suggested-was-rejected-by-protection-rule\"", "\"category\":\"CHOOSE-A-CATEGORY\"")
                .doesNotContain(GITHUB_PAT);
        assertThat(ticket.toString()).doesNotContain(GITHUB_PAT);
    }

    @Test
    void twoTicketsInTheSameSecondAreBothKept(@TempDir Path reports) throws Exception {
        // a clock stopped at one second (23:30 UTC: the next day's JST folder)
        Clock stopped = Clock.fixed(Instant.parse("2026-03-01T23:30:00Z"), ZoneOffset.UTC);
        AuditTickets tickets = new AuditTickets(new ReportFolders(reports, stopped), sanitizer, risks, jdbc, markdown,
                auditProperties);
        String repo = uniqueRepository("same-second");
        long a = eventOnlyForThisTest(repo, "first");
        long b = eventOnlyForThisTest(repo, "second");
        Path first = tickets.write(event(a));
        Path second = tickets.write(event(b));

        Path dir = reports.resolve("2026-03-02").resolve("audit_tickets");
        assertThat(first).isEqualTo(dir.resolve("audit_ticket_20260302_083000.json"));
        assertThat(second).isEqualTo(dir.resolve("audit_ticket_20260302_083000_2.json"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).containsExactly(
                    "audit_ticket_20260302_083000.json", "audit_ticket_20260302_083000.md",
                    "audit_ticket_20260302_083000_2.json", "audit_ticket_20260302_083000_2.md");
        }
        assertThat(mapper().readTree(first.toFile()).at("/error/message").asText()).isEqualTo("first");
        assertThat(mapper().readTree(second.toFile()).at("/error/message").asText()).isEqualTo("second");
        assertThat(schema().validate(mapper().readTree(second.toFile()))).isEmpty();
        assertThat(mapper().readTree(first.toFile()).at("/createdAt").asText()).isEqualTo("2026-03-01T23:30:00Z");
        // the same event again (a repeated delivery) writes no third ticket
        assertThat(tickets.write(event(a))).isEqualTo(first);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.count()).isEqualTo(4);
        }
    }

    /**
     * demo/broken's ticket said "Artifacts: None collected" while artifacts/3001/ held the
     * files collected a second earlier. A ticket written before the collection says it is pending and is
     * rewritten when the run's evidence_collected arrives; one written after reads the collection at once.
     */
    @Test
    void ticketCarriesTheRunsCollectedEvidenceWhicheverComesFirst(@TempDir Path reports) throws Exception {
        assertThat(jdbc.queryForObject("SELECT 'evidence_collected' = ANY (event_types) FROM phase4_event_consumers "
                + "WHERE consumer = 'audit'", Boolean.class)).isTrue();
        AuditTickets tickets = new AuditTickets(new ReportFolders(reports, Clock.systemUTC()), sanitizer, risks, jdbc,
                markdown, auditProperties);
        String repo = uniqueRepository("evidence-after");
        long run = runId();
        long ff = settled("final_failure", repo, run, 1, finalFailure(repo, run, "deterministic", "FAIL test"));
        Path json = tickets.write(event(ff));
        JsonNode before = mapper().readTree(json.toFile());
        assertThat(schema().validate(before)).isEmpty();
        assertThat(before.at("/artifactsStatus").asText()).isEqualTo("pending");
        Path md = json.resolveSibling(before.get("ticketId").asText() + ".md");
        assertThat(Files.readString(md)).contains("Not collected yet").doesNotContain("None collected");

        long ev = settled("evidence_collected", repo, run, null, collected(repo, run));
        assertThat(tickets.addEvidence(event(ev))).isEqualTo(1);
        JsonNode after = mapper().readTree(json.toFile());
        assertThat(schema().validate(after)).isEmpty();
        assertThat(after.at("/artifactsStatus").asText()).isEqualTo("collected");
        assertThat(after.at("/artifacts")).hasSize(3);
        assertThat(after.at("/artifacts/0/name").asText()).isEqualTo("artifacts/" + run + "/metadata.json");
        assertThat(after.at("/evidence/path").asText()).isEqualTo("artifacts/" + run + "/");
        assertThat(Files.readString(md)).doesNotContain("None collected", "Not collected yet")
                .contains("| artifacts/" + run + "/artifact_test-results.zip | 2048 | " + "b".repeat(64) + " |",
                        "Evidence of the run collected in `artifacts/" + run + "/` (complete");

        // the other order: the collection first, the ticket after it
        long run2 = runId();
        settled("evidence_collected", repo, run2, null, collected(repo, run2));
        long ff2 = settled("final_failure", repo, run2, 1, finalFailure(repo, run2, "deterministic", "FAIL test"));
        JsonNode second = mapper().readTree(tickets.write(event(ff2)).toFile());
        assertThat(schema().validate(second)).isEmpty();
        assertThat(second.at("/artifactsStatus").asText()).isEqualTo("collected");
        assertThat(second.at("/artifacts")).hasSize(3);
    }

    @Autowired
    AuditConsumer consumer;

    /** PHASE4_AUDIT_SUMMARY.md lagged behind events; a new ticket is listed at once. */
    @Test
    void newTicketIsListedInTheDaysAuditSummaryAtOnce() throws Exception {
        String repo = uniqueRepository("summary-now");
        long run = runId();
        long ff = settled("final_failure", repo, run, 1, finalFailure(repo, run, "deterministic", "FAIL test"));
        consumer.ticket(event(ff));
        String json = jdbc.queryForObject("SELECT json_path FROM phase4_audit_tickets WHERE event_id = ?",
                String.class, ff);
        Path ticket = folders.root().resolve(json);
        String summary = Files.readString(ticket.getParent().getParent().resolve("PHASE4_AUDIT_SUMMARY.md"));
        String md = ticket.getFileName().toString().replace(".json", ".md");
        assertThat(summary).contains("(audit_tickets/" + md + ")").contains("run " + run + ": max_attempts");
    }

    static Map<String, Object> collected(String repo, long run) {
        String dir = "artifacts/" + run + "/";
        return Map.of("repository", repo, "runId", run, "artifact_path", dir, "evidence_type", "complete",
                "recorded_at", "2026-03-01T23:30:01Z", "missing", List.of(), "files", List.of(
                        Map.of("type", "metadata", "path", dir + "metadata.json", "size_bytes", 900, "sha256",
                                "a".repeat(64)),
                        Map.of("type", "artifact", "path", dir + "artifact_test-results.zip", "size_bytes", 2048,
                                "sha256", "b".repeat(64)),
                        Map.of("type", "log", "path", dir + "log_1_build.txt", "size_bytes", 77, "sha256",
                                "c".repeat(64))));
    }

    /** An event whose deliveries are settled at once, so the running consumers never take it. */
    long settled(String type, String repo, long run, Integer attempt, Object payload) {
        return tx.execute(status -> {
            long id = outbox.record(type, repo, run, attempt, payload);
            jdbc.update("UPDATE phase4_event_deliveries SET status = 'done' WHERE event_id = ?", id);
            return id;
        });
    }

    @Autowired
    org.springframework.transaction.support.TransactionTemplate tx;

    /** An event whose deliveries are settled in its own transaction, so the running consumers never take it. */
    long eventOnlyForThisTest(String repo, String detail) {
        return tx.execute(status -> {
            long id = outbox.record("guard_violation", repo, runId(), 1, Map.of("rule", "max_attempts", "detail", detail));
            jdbc.update("UPDATE phase4_event_deliveries SET status = 'done' WHERE event_id = ?", id);
            return id;
        });
    }

    Outbox.Event event(long id) throws Exception {
        List<Outbox.Event> found = jdbc.query("SELECT id, event_type, repository, run_id, run_attempt, payload::text, "
                + "occurred_at FROM phase4_events WHERE id = ?", (rs, i) -> {
                    try {
                        return new Outbox.Event(rs.getLong(1), rs.getString(2), rs.getString(3),
                                (Long) rs.getObject(4), (Integer) rs.getObject(5), mapper().readTree(rs.getString(6)),
                                rs.getTimestamp(7).toInstant(), 1);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, id);
        return found.get(0);
    }
}
