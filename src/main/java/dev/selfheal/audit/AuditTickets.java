package dev.selfheal.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.github.GitHubDeadLetter;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.risk.RiskLevels;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit generator: one ticket per audited event, {@code audit_tickets/audit_ticket_YYYYMMDD_HHMMSS.json}
 * and {@code .md} in the day's report folder (JST date in folder and name, UTC inside). A second ticket in the same
 * second gets {@code _2}, {@code _3}, ...: {@link AtomicFiles#writeNew} never overwrites. One ticket per event
 * ({@code phase4_audit_tickets}), so a repeated delivery does not write a second one. The notification layer adds
 * the Slack and issue links once it has them.
 */
@Component
public class AuditTickets {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTickets.class);

    public static final String CONSUMER = "audit";
    public static final Set<String> AUDITED_EVENTS = Set.of("final_failure", "dead_letter", "guard_violation",
            "killswitch", "rollback");
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")
            .withZone(ReportFolders.JST);

    private final ReportFolders folders;
    private final Sanitizer sanitizer;
    private final RiskLevels risks;
    private final JdbcTemplate jdbc;
    private final AuditTicketMarkdown markdown;
    private final String linkBase;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public AuditTickets(ReportFolders folders, Sanitizer sanitizer, RiskLevels risks, JdbcTemplate jdbc,
            AuditTicketMarkdown markdown, AuditProperties properties) {
        this.folders = folders;
        this.sanitizer = sanitizer;
        this.risks = risks;
        this.jdbc = jdbc;
        this.markdown = markdown;
        String base = properties.ticketBaseUrl();
        this.linkBase = base == null || base.isBlank() ? "docs/reports/" : base.endsWith("/") ? base : base + "/";
    }

    /** Whether the audit consumer writes a ticket for this event (not for dead letters of its own calls). */
    public static boolean audited(Outbox.Event e) {
        String route = e.payload().path("route").asText("");
        return AUDITED_EVENTS.contains(e.type())
                && !("dead_letter".equals(e.type()) && (route.startsWith("notification-") || route.startsWith("audit-")));
    }

    /** Writes the ticket of one event (once); returns the JSON file, or null when the event is not audited. */
    @Transactional
    public Path write(Outbox.Event e) throws IOException {
        if (!audited(e)) {
            return null;
        }
        List<String> existing = jdbc.queryForList("SELECT json_path FROM phase4_audit_tickets WHERE event_id = ?",
                String.class, e.id());
        if (!existing.isEmpty()) {
            return folders.root().resolve(existing.get(0));
        }
        Instant now = folders.now();
        Path dir = folders.dayFolder(now, "audit_tickets");
        String base = "audit_ticket_" + NAME.format(now);
        ObjectNode ticket = build(e, now);
        Evidence collected = latestEvidence(e);
        if (collected != null) {
            fillArtifacts(ticket, collected.eventId, collected.payload);
        }
        for (int n = 1; ; n++) {
            String id = n == 1 ? base : base + "_" + n;
            Path jsonFile = dir.resolve(id + ".json");
            Path mdFile = dir.resolve(id + ".md");
            ticket.put("ticketId", id);
            ((ObjectNode) ticket.get("links")).put("markdown", linkBase + relative(mdFile));
            ObjectNode clean = (ObjectNode) sanitizer.sanitize(ticket);
            if (AtomicFiles.writeNew(jsonFile, json.writeValueAsBytes(clean))) {
                AtomicFiles.write(mdFile, markdown.render(clean).getBytes(StandardCharsets.UTF_8));
                jdbc.update("INSERT INTO phase4_audit_tickets (event_id, ticket_id, json_path, md_path, risk_level) "
                        + "VALUES (?, ?, ?, ?, ?)", e.id(), id, relative(jsonFile), relative(mdFile),
                        clean.get("riskLevel").asText());
                return jsonFile;
            }
        }
    }

    /**
     * An {@code evidence_collected} event: the tickets of its run already written get its files as their
     * artifacts (both files rewritten under the row lock, like {@link #addLinks}). Tickets written after the
     * collection read it themselves ({@link #write}). Returns how many tickets were rewritten.
     */
    @Transactional
    public int addEvidence(Outbox.Event e) {
        if (!"evidence_collected".equals(e.type()) || e.runId() == null) {
            return 0;
        }
        List<String> paths = jdbc.queryForList("SELECT t.json_path FROM phase4_audit_tickets t "
                + "JOIN phase4_events ev ON ev.id = t.event_id WHERE ev.run_id = ? "
                + "AND ev.repository IS NOT DISTINCT FROM ? ORDER BY t.event_id FOR UPDATE OF t",
                String.class, e.runId(), e.repository());
        for (String path : paths) {
            Path jsonFile = folders.root().resolve(path);
            try {
                ObjectNode ticket = (ObjectNode) json.readTree(jsonFile.toFile());
                JsonNode had = ticket.path("evidence").path("eventId");
                if (had.isNumber() && had.asLong() > e.id()) {
                    continue; // a newer collection is there already
                }
                fillArtifacts(ticket, e.id(), e.payload());
                ObjectNode clean = (ObjectNode) sanitizer.sanitize(ticket);
                AtomicFiles.write(jsonFile, json.writeValueAsBytes(clean));
                Path mdFile = jsonFile.resolveSibling(clean.get("ticketId").asText() + ".md");
                AtomicFiles.write(mdFile, markdown.render(clean).getBytes(StandardCharsets.UTF_8));
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException("cannot add evidence to " + jsonFile, ex);
            }
        }
        return paths.size();
    }

    private record Evidence(long eventId, JsonNode payload) {
    }

    /** The run's latest evidence_collected event, or null (not collected yet, or no run). */
    private Evidence latestEvidence(Outbox.Event e) {
        if (e.runId() == null) {
            return null;
        }
        List<Evidence> found = jdbc.query("SELECT id, payload::text FROM phase4_events WHERE event_type = "
                + "'evidence_collected' AND run_id = ? AND repository IS NOT DISTINCT FROM ? ORDER BY id DESC LIMIT 1",
                (rs, i) -> {
                    try {
                        return new Evidence(rs.getLong(1), json.readTree(rs.getString(2)));
                    } catch (IOException ex) {
                        throw new java.sql.SQLException("unreadable evidence_collected payload", ex);
                    }
                }, e.runId(), e.repository());
        return found.isEmpty() ? null : found.get(0);
    }

    /** The collected files (path relative to the day folder, size, SHA-256) become the ticket's artifacts. */
    private void fillArtifacts(ObjectNode ticket, long eventId, JsonNode p) {
        ArrayNode artifacts = ticket.putArray("artifacts");
        for (JsonNode f : p.path("files")) {
            String name = f.hasNonNull("path") ? f.get("path").asText() : f.path("type").asText("?");
            ObjectNode o = artifacts.addObject();
            o.put("name", name.replace('\\', '/'));
            if (f.path("size_bytes").isNumber()) {
                o.put("sizeBytes", f.get("size_bytes").asLong());
            } else {
                o.putNull("sizeBytes");
            }
            String sha = f.path("sha256").asText(null);
            o.put("sha256", sha != null && sha.matches("[0-9a-f]{64}") ? sha : null);
        }
        ticket.put("artifactsStatus", "collected");
        ObjectNode ev = ticket.putObject("evidence");
        ev.put("eventId", eventId);
        ev.put("path", text(p, "artifact_path"));
        ev.put("type", text(p, "evidence_type"));
        ev.put("recordedAt", text(p, "recorded_at"));
        ArrayNode missing = ev.putArray("missing");
        p.path("missing").forEach(m -> missing.add(m.asText()));
        // the SHA comparison of the run's provenance statements with its collected artifacts
        if (p.path("provenance").isObject()) {
            ev.set("provenance", p.get("provenance"));
        }
    }

    /** The link to an event's ticket (Markdown) for messages and issues, or null while there is none. */
    public String linkFor(long eventId) {
        List<String> md = jdbc.queryForList("SELECT md_path FROM phase4_audit_tickets WHERE event_id = ?",
                String.class, eventId);
        return md.isEmpty() ? null : linkBase + md.get(0);
    }

    /**
     * Adds the Slack and GitHub issue links to an event's ticket, rewriting both files atomically (the row lock
     * keeps two instances from rewriting at once). Null values leave a link as it is.
     */
    @Transactional
    public void addLinks(long eventId, String slack, String issueUrl) {
        List<String> paths = jdbc.queryForList("SELECT json_path FROM phase4_audit_tickets WHERE event_id = ? FOR UPDATE",
                String.class, eventId);
        if (paths.isEmpty()) {
            return;
        }
        jdbc.update("UPDATE phase4_audit_tickets SET slack_link = coalesce(?, slack_link), "
                + "issue_link = coalesce(?, issue_link) WHERE event_id = ?",
                slack == null ? null : sanitizer.sanitize(slack), issueUrl == null ? null : sanitizer.sanitize(issueUrl),
                eventId);
        Path jsonFile = folders.root().resolve(paths.get(0));
        if (!Files.exists(jsonFile)) {
            // written by another instance whose data dir is not shared with this one: the links are in the
            // database; the notification must not wait for a file it can never reach
            LOG.info("Audit ticket {} is not on this instance's disk (is selfheal.data-dir a shared volume?): its "
                    + "links are kept in phase4_audit_tickets only", paths.get(0));
            return;
        }
        try {
            ObjectNode ticket = (ObjectNode) json.readTree(jsonFile.toFile());
            ObjectNode links = (ObjectNode) ticket.get("links");
            if (slack != null) {
                links.put("slack", sanitizer.sanitize(slack));
            }
            if (issueUrl != null) {
                links.put("githubIssue", sanitizer.sanitize(issueUrl));
            }
            AtomicFiles.write(jsonFile, json.writeValueAsBytes(ticket));
            Path mdFile = jsonFile.resolveSibling(ticket.get("ticketId").asText() + ".md");
            AtomicFiles.write(mdFile, markdown.render(ticket).getBytes(StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException("cannot add links to " + jsonFile, ex);
        }
    }

    ObjectNode build(Outbox.Event e, Instant now) {
        JsonNode p = e.payload();
        ObjectNode t = json.createObjectNode();
        t.put("schemaVersion", 1);
        t.put("ticketId", "");
        t.put("createdAt", ReportFolders.utc(now));
        ObjectNode event = t.putObject("event");
        event.put("id", e.id());
        event.put("type", e.type());
        event.put("occurredAt", ReportFolders.utc(e.occurredAt()));

        ObjectNode run = t.putObject("run");
        run.put("repository", e.repository() != null ? e.repository() : text(p, "repository"));
        if (e.runId() != null) {
            run.put("runId", e.runId());
        } else {
            run.putNull("runId");
        }
        run.put("runUrl", text(p, "htmlUrl"));
        if (e.runAttempt() != null) {
            run.put("attempt", e.runAttempt());
        } else if (p.path("runAttempt").canConvertToInt() && p.hasNonNull("runAttempt")) {
            run.put("attempt", p.get("runAttempt").asInt());
        } else {
            run.putNull("attempt");
        }
        run.put("workflow", text(p, "workflowName"));
        run.put("time", utcOrNull(text(p, "completedAt") != null ? text(p, "completedAt") : text(p, "startedAt")));
        run.put("actor", text(p, "actor"));
        run.put("result", text(p, "conclusion"));
        if (p.path("durationSeconds").isNumber()) {
            run.put("durationSeconds", p.get("durationSeconds").asDouble());
        } else {
            run.putNull("durationSeconds");
        }

        ArrayNode artifacts = t.putArray("artifacts");
        t.put("artifactsStatus", e.runId() == null ? "none" : "pending");
        t.putNull("evidence");
        for (JsonNode a : p.path("artifacts")) {
            ObjectNode o = artifacts.addObject();
            o.put("name", a.path("name").asText("?"));
            if (a.path("sizeBytes").isNumber() || a.path("size_in_bytes").isNumber()) {
                o.put("sizeBytes", a.has("sizeBytes") ? a.get("sizeBytes").asLong() : a.get("size_in_bytes").asLong());
            } else {
                o.putNull("sizeBytes");
            }
            String sha = a.path("sha256").asText(null);
            o.put("sha256", sha != null && sha.matches("[0-9a-f]{64}") ? sha : null);
        }
        if (!artifacts.isEmpty()) {
            t.put("artifactsStatus", "collected");
        }

        Integer status = null;
        if (p.path("status").isNumber()) {
            status = p.get("status").asInt();
        } else if (p.path("httpStatus").isNumber()) {
            status = p.get("httpStatus").asInt();
        }
        ObjectNode error = t.putObject("error");
        if (status != null) {
            error.put("code", status);
        } else {
            error.putNull("code");
        }
        error.put("message", first(p, "message", "reason", "detail", "matchedLine"));
        error.put("time", ReportFolders.utc(e.occurredAt()));
        if (e.runId() != null) {
            error.put("runId", e.runId());
        } else {
            error.putNull("runId");
        }

        ObjectNode byHttp = t.putObject("classification").putObject("byHttpCode");
        if (status != null) {
            byHttp.put("status", status);
        } else {
            byHttp.putNull("status");
        }
        byHttp.put("class", status == null ? "none" : (status / 100) + "xx");
        byHttp.put("meaning", status == null ? "no HTTP answer involved" : GitHubDeadLetter.categoryOf(status));
        ObjectNode byCause = ((ObjectNode) t.get("classification")).putObject("byCause");
        byCause.put("category", cause(e));
        byCause.put("rule", first(p, "ruleId", "rule"));
        byCause.put("matchedLine", text(p, "matchedLine"));
        // which evidence decided: annotation / step / log line, and the rule
        byCause.put("evidence", text(p, "evidence"));
        byCause.put("steps", text(p, "steps"));
        // a failure no rule recognised: its last error lines and a rule suggested from them, to teach the policy
        if (p.path("errorLines").isArray() && !p.path("errorLines").isEmpty()) {
            ArrayNode lines = byCause.putArray("errorLines");
            for (JsonNode line : p.path("errorLines")) {
                if (lines.size() < 5) {
                    lines.add(line.asText());
                }
            }
        }
        JsonNode suggested = p.path("suggestedRule");
        if (suggested.path("pattern").isTextual()) {
            ObjectNode rule = byCause.putObject("suggestedRule");
            rule.put("normalised", suggested.path("normalised").asText());
            rule.put("id", suggested.path("id").asText());
            rule.put("pattern", suggested.path("pattern").asText());
            ArrayNode keywords = rule.putArray("keywords");
            suggested.path("keywords").forEach(k -> keywords.add(k.asText()));
        }

        t.put("riskLevel", risks.riskOf(e));
        t.put("selfhealAction", action(e));
        ObjectNode links = t.putObject("links");
        links.putNull("slack");
        links.putNull("githubIssue");
        links.put("markdown", "");
        return t;
    }

    private static String cause(Outbox.Event e) {
        JsonNode p = e.payload();
        return switch (e.type()) {
            case "guard_violation" -> "guard:" + p.path("rule").asText("unknown");
            case "killswitch" -> "killswitch";
            case "rollback" -> "rollback";
            default -> p.path("category").asText("unknown");
        };
    }

    private static String action(Outbox.Event e) {
        JsonNode p = e.payload();
        return switch (e.type()) {
            case "final_failure" -> "Re-ran " + p.path("attempts").asText("0") + " time(s), then stopped and "
                    + "notified (Slack, GitHub issue).";
            case "guard_violation" -> "Stopped automatic re-runs (guard " + p.path("rule").asText("?")
                    + ") and notified (Slack, GitHub issue).";
            case "dead_letter" -> "Did not retry the GitHub call " + p.path("method").asText("") + " "
                    + p.path("url").asText("") + " and notified.";
            case "killswitch" -> switch (p.path("action").asText("engaged")) {
                case "released" -> "Released the kill switch (" + p.path("releasedBy").asText("?")
                        + "): the routes it stopped were started again.";
                case "verification_failed" -> "Kill switch verification failed: " + p.path("verification").asText("?");
                default -> "Tripped the kill switch (" + p.path("trigger").asText("?") + ", "
                        + p.path("actor").asText("?") + "): automatic actions stopped.";
            };
            case "rollback" -> "dry-run".equals(p.path("mode").asText()) ? "Planned a rollback (dry run: nothing "
                    + "changed): " + p.path("summary").asText("") : "Rolled back: " + p.path("summary").asText("");
            default -> "Recorded.";
        };
    }

    private String relative(Path file) {
        return folders.root().relativize(file).toString().replace('\\', '/');
    }

    private static String utcOrNull(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            return ReportFolders.utc(Instant.parse(iso));
        } catch (RuntimeException ex) {
            return null;
        }
    }

    private static String first(JsonNode p, String... keys) {
        for (String k : keys) {
            String v = text(p, k);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String text(JsonNode p, String field) {
        JsonNode v = p.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
