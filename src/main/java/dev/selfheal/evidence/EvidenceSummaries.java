package dev.selfheal.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.DayManifest;
import dev.selfheal.reports.ReportLayout;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The day's summaries, regenerated from the database (phase4_metrics, phase4_retry_history, phase4_events):
 * {@code RUNS_SUMMARY.json}, {@code AUTO_RETRY_MANIFEST.json} and {@code _manifest.json} (both through
 * {@link ManifestWriter}), {@code PHASE4_AUDIT_SUMMARY.md}, and {@code _evidence_index.md} (Doc Auto-Linker),
 * built from the RUNS_SUMMARY.json just written so the two are always in sync. Everything passes the sanitizer's
 * verify-before-release. A run belongs to the JST day of its completion (else start, else first sight).
 */
@Component
public class EvidenceSummaries {

    public static final String RUNS_SUMMARY = "RUNS_SUMMARY.json";
    public static final String RETRY_MANIFEST = "AUTO_RETRY_MANIFEST.json";
    public static final String MANIFEST = "_manifest.json";
    public static final String AUDIT_SUMMARY = "PHASE4_AUDIT_SUMMARY.md";
    public static final String INDEX = "_evidence_index.md";
    /** Sub-folders of every day folder (docs/ops/PHASE4_DESIGN.md, "Evidence"). */
    public static final List<String> SUB_FOLDERS = List.of("logs", "audit_tickets", "artifacts", "screenshots");

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceSummaries.class);
    private static final String RUN_TIME = "coalesce(completed_at, run_started_at, created_at)";

    private final JdbcTemplate jdbc;
    private final ReportFolders folders;
    private final ManifestWriter manifests;
    private final Sanitizer sanitizer;
    private final EvidenceLinkChecker links;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public EvidenceSummaries(JdbcTemplate jdbc, ReportFolders folders, ManifestWriter manifests, Sanitizer sanitizer,
            EvidenceLinkChecker links) {
        this.jdbc = jdbc;
        this.folders = folders;
        this.manifests = manifests;
        this.sanitizer = sanitizer;
        this.links = links;
    }

    /** Regenerates the folder of the JST day {@code at} falls in; returns the broken links found (logged). */
    public List<EvidenceLinkChecker.BrokenLink> regenerate(Instant at) {
        LocalDate day = ReportFolders.jstDate(at);
        Instant from = day.atStartOfDay(ReportFolders.JST).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(ReportFolders.JST).toInstant();
        Path folder = folders.dayFolder(at);
        if (ReportLayout.isSealed(folder)) {
            // a sealed day is closed for good: its hashes are what the chain vouches for
            LOG.info("day {} is sealed; its summaries are not regenerated", day);
            return List.of();
        }
        SUB_FOLDERS.forEach(sub -> folders.dayFolder(at, sub));

        List<ObjectNode> collected = collectedEvidence(day);
        ArrayNode runs = runs(from, to, collected);
        ObjectNode summary = mapper.createObjectNode();
        summary.put("date", day.toString());
        summary.put("timezone", "Asia/Tokyo");
        summary.put("generated_at", ReportFolders.utc(folders.now()));
        summary.put("run_count", runs.size());
        summary.set("runs", runs);
        write(folder.resolve(RUNS_SUMMARY), json(summary));

        // both manifests always exist (possibly with no entry) so the index can link them
        List<ObjectNode> retries = retries(from, to);
        manifests.merge(folder.resolve(RETRY_MANIFEST), retries);
        manifests.merge(folder.resolve(MANIFEST), collected);
        write(folder.resolve(AUDIT_SUMMARY), auditSummary(day, folder, runs, retries, from, to));
        writeIndex(folder);
        try {
            DayManifest.recordLogs(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the day logs of " + folder, e);
        }
        List<EvidenceLinkChecker.BrokenLink> broken = links.check(folder);
        if (!broken.isEmpty()) {
            LOG.warn("evidence folder {} has broken links: {}", folder, broken);
        }
        return broken;
    }

    /** Doc Auto-Linker: the index from RUNS_SUMMARY.json; a link only to files that exist. */
    public void writeIndex(Path folder) {
        JsonNode summary;
        try {
            summary = mapper.readTree(folder.resolve(RUNS_SUMMARY).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder.resolve(RUNS_SUMMARY), e);
        }
        StringBuilder md = new StringBuilder();
        md.append("# Evidence index ").append(summary.path("date").asText()).append(" (JST)\n\n");
        md.append("Generated ").append(summary.path("generated_at").asText())
                .append(" from [RUNS_SUMMARY.json](RUNS_SUMMARY.json). Times are UTC.\n\n");
        md.append("## Reports\n\n");
        for (String f : List.of(AUDIT_SUMMARY, RUNS_SUMMARY, RETRY_MANIFEST, MANIFEST)) {
            if (Files.exists(folder.resolve(f))) {
                md.append("- [").append(f).append("](").append(f).append(")\n");
            }
        }
        md.append("\n## Runs\n\n| run | repository | workflow | attempt | conclusion | completed | evidence |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (JsonNode run : summary.path("runs")) {
            long id = run.path("run_id").asLong();
            md.append("| ").append(id).append(" | ").append(cell(run, "repository")).append(" | ")
                    .append(cell(run, "workflow_name")).append(" | ").append(cell(run, "run_attempt")).append(" | ")
                    .append(cell(run, "conclusion")).append(" | ").append(cell(run, "completed_at")).append(" | ")
                    .append(evidenceLinks(folder, id)).append(" |\n");
        }
        md.append("\n## Logs\n\n");
        for (Path log : list(folder.resolve("logs"))) {
            md.append("- [logs/").append(log.getFileName()).append("](logs/").append(log.getFileName()).append(")\n");
        }
        write(folder.resolve(INDEX), md.toString());
    }

    private String evidenceLinks(Path folder, long runId) {
        List<String> parts = new ArrayList<>();
        for (Path f : list(folder.resolve("artifacts").resolve(Long.toString(runId)))) {
            String rel = "artifacts/" + runId + "/" + f.getFileName();
            parts.add("[" + f.getFileName() + "](" + rel + ")");
        }
        return parts.isEmpty() ? "not collected" : String.join(" ", parts);
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cell(JsonNode run, String field) {
        JsonNode v = run.get(field);
        return v == null || v.isNull() ? "" : v.asText().replace("|", "\\|");
    }

    /**
     * Runs of phase4_metrics in the day, plus runs known only from their collected evidence (an inbox re-run of
     * a run the core loop never stored), sorted by run id.
     */
    private ArrayNode runs(Instant from, Instant to, List<ObjectNode> collected) {
        TreeMap<Long, ObjectNode> byId = new TreeMap<>();
        for (ArrayNode a = metricsRuns(from, to); a.size() > 0; a.remove(0)) {
            byId.put(a.get(0).get("run_id").asLong(), (ObjectNode) a.get(0));
        }
        for (ObjectNode e : collected) {
            if (!byId.containsKey(e.get("run_id").asLong()) && e.get("run") instanceof ObjectNode run) {
                byId.put(e.get("run_id").asLong(), run.deepCopy());
            }
        }
        ArrayNode runs = mapper.createArrayNode();
        byId.values().forEach(runs::add);
        return runs;
    }

    private ArrayNode metricsRuns(Instant from, Instant to) {
        ArrayNode runs = mapper.createArrayNode();
        jdbc.query("SELECT run_id, repository, workflow_id, workflow_name, run_number, run_attempt, event, actor, "
                + "head_branch, head_sha, html_url, status, conclusion, run_started_at, completed_at, "
                + "duration_seconds, failure_category, risk_level, retry_count, recovered, recovered_at, final_failure "
                + "FROM phase4_metrics WHERE " + RUN_TIME + " >= ? AND " + RUN_TIME + " < ? ORDER BY run_id",
                rs -> {
                    ObjectNode r = runs.addObject();
                    r.put("run_id", rs.getLong("run_id"));
                    r.put("repository", rs.getString("repository"));
                    r.put("workflow_id", (Long) rs.getObject("workflow_id"));
                    r.put("workflow_name", rs.getString("workflow_name"));
                    r.put("run_number", (Integer) rs.getObject("run_number"));
                    r.put("run_attempt", rs.getInt("run_attempt"));
                    r.put("event", rs.getString("event"));
                    r.put("actor", rs.getString("actor"));
                    r.put("head_branch", rs.getString("head_branch"));
                    r.put("head_sha", rs.getString("head_sha"));
                    r.put("html_url", rs.getString("html_url"));
                    r.put("status", rs.getString("status"));
                    r.put("conclusion", rs.getString("conclusion"));
                    r.put("started_at", utc(rs, "run_started_at"));
                    r.put("completed_at", utc(rs, "completed_at"));
                    r.put("duration_seconds", (Integer) rs.getObject("duration_seconds"));
                    r.put("failure_category", rs.getString("failure_category"));
                    r.put("risk_level", rs.getString("risk_level"));
                    r.put("retry_count", rs.getInt("retry_count"));
                    r.put("recovered", rs.getBoolean("recovered"));
                    r.put("recovered_at", utc(rs, "recovered_at"));
                    r.put("final_failure", rs.getBoolean("final_failure"));
                }, Timestamp.from(from), Timestamp.from(to));
        return runs;
    }

    private List<ObjectNode> retries(Instant from, Instant to) {
        Map<Long, ObjectNode> byRun = new TreeMap<>();
        jdbc.query("SELECT original_run_id, retry_run_id, repository, attempt, category, reason, interval_seconds, "
                + "due_at, requested_at, completed_at, status, result, http_status FROM phase4_retry_history "
                + "WHERE created_at >= ? AND created_at < ? ORDER BY original_run_id, attempt", rs -> {
                    long run = rs.getLong("original_run_id");
                    ObjectNode entry = byRun.computeIfAbsent(run, id -> {
                        ObjectNode e = mapper.createObjectNode();
                        e.put("run_id", id);
                        e.putArray("retries");
                        return e;
                    });
                    entry.put("repository", rs.getString("repository"));
                    ObjectNode r = ((ArrayNode) entry.get("retries")).addObject();
                    r.put("attempt", rs.getInt("attempt"));
                    r.put("retry_run_id", (Long) rs.getObject("retry_run_id"));
                    r.put("category", rs.getString("category"));
                    r.put("reason", rs.getString("reason"));
                    r.put("interval_seconds", rs.getBigDecimal("interval_seconds"));
                    r.put("due_at", utc(rs, "due_at"));
                    r.put("requested_at", utc(rs, "requested_at"));
                    r.put("completed_at", utc(rs, "completed_at"));
                    r.put("status", rs.getString("status"));
                    r.put("result", rs.getString("result"));
                    r.put("http_status", (Integer) rs.getObject("http_status"));
                }, Timestamp.from(from), Timestamp.from(to));
        return new ArrayList<>(byRun.values());
    }

    /** The latest evidence_collected event per run filed in this JST day (the file list with SHA-256). */
    private List<ObjectNode> collectedEvidence(LocalDate day) {
        Map<Long, ObjectNode> byRun = new LinkedHashMap<>();
        jdbc.query("SELECT run_id, payload::text FROM phase4_events WHERE event_type = 'evidence_collected' "
                + "AND payload->>'day' = ? AND run_id IS NOT NULL ORDER BY id", rs -> {
                    try {
                        ObjectNode p = (ObjectNode) mapper.readTree(rs.getString(2));
                        p.put("run_id", rs.getLong(1));
                        byRun.put(rs.getLong(1), p);
                    } catch (IOException e) {
                        throw new SQLException("unreadable evidence_collected payload", e);
                    }
                }, day.toString());
        return new ArrayList<>(byRun.values());
    }

    private String auditSummary(LocalDate day, Path folder, ArrayNode runs, List<ObjectNode> retries, Instant from,
            Instant to) {
        int failed = 0;
        int recovered = 0;
        int finalFailures = 0;
        Map<String, Integer> byCategory = new TreeMap<>();
        for (JsonNode r : runs) {
            if ("failure".equals(r.path("conclusion").asText()) || "timed_out".equals(r.path("conclusion").asText())) {
                failed++;
                byCategory.merge(r.path("failure_category").asText("unclassified"), 1, Integer::sum);
            }
            if (r.path("recovered").asBoolean()) {
                recovered++;
            }
            if (r.path("final_failure").asBoolean()) {
                finalFailures++;
            }
        }
        int retryCount = retries.stream().mapToInt(e -> e.get("retries").size()).sum();
        StringBuilder md = new StringBuilder();
        md.append("# Phase 4 audit summary ").append(day).append(" (JST)\n\n");
        md.append("Generated ").append(ReportFolders.utc(folders.now())).append(" (UTC) from the database. ")
                .append("Runs: [RUNS_SUMMARY.json](RUNS_SUMMARY.json); evidence: [_evidence_index.md](_evidence_index.md).\n\n");
        md.append("| runs | failed | automatic re-runs | recovered | final failures |\n|---|---|---|---|---|\n");
        md.append("| ").append(runs.size()).append(" | ").append(failed).append(" | ").append(retryCount).append(" | ")
                .append(recovered).append(" | ").append(finalFailures).append(" |\n\n");
        md.append("## Failures by category\n\n");
        if (byCategory.isEmpty()) {
            md.append("No failed runs.\n");
        } else {
            md.append("| category | runs |\n|---|---|\n");
            byCategory.forEach((c, n) -> md.append("| ").append(c).append(" | ").append(n).append(" |\n"));
        }
        md.append("\n## Retries\n\n");
        if (retries.isEmpty()) {
            md.append("No automatic re-runs.\n");
        } else {
            md.append("| run | attempt | category | status | result |\n|---|---|---|---|---|\n");
            for (ObjectNode e : retries) {
                for (JsonNode r : e.get("retries")) {
                    md.append("| ").append(e.get("run_id").asLong()).append(" | ").append(r.path("attempt").asInt())
                            .append(" | ").append(cell(r.path("category").asText())).append(" | ")
                            .append(cell(r.path("status").asText())).append(" | ")
                            .append(cell(r.path("result").asText(""))).append(" |\n");
                }
            }
        }
        md.append("\n## Open issues (final failures, missing evidence)\n\n");
        List<String> open = new ArrayList<>();
        jdbc.query("SELECT event_type, repository, run_id, payload->>'reason', payload->>'missing' FROM phase4_events "
                + "WHERE event_type IN ('final_failure', 'evidence_missing') AND occurred_at >= ? AND occurred_at < ? "
                + "ORDER BY id", rs -> {
                    open.add(bullet(rs.getString(1) + " " + rs.getString(2) + " run " + rs.getLong(3),
                            rs.getString(4) != null ? rs.getString(4) : rs.getString(5)));
                }, Timestamp.from(from), Timestamp.from(to));
        md.append(open.isEmpty() ? "None.\n" : String.join("\n", open) + "\n");
        md.append("\n## Audit tickets\n\n");
        List<Path> tickets = list(folder.resolve("audit_tickets"));
        if (tickets.isEmpty()) {
            md.append("None.\n");
        }
        for (Path t : tickets) {
            md.append("- [").append(t.getFileName()).append("](audit_tickets/").append(t.getFileName()).append(")\n");
        }
        return md.toString();
    }

    /**
     * One list item whatever the text holds: its first line inline (Markdown escaped), further lines of a
     * multi-line body (an error body pasted from GitHub) as a fenced block indented under the item, so a line
     * starting with #, |, - or ``` cannot end the list or open a heading.
     */
    static String bullet(String head, String text) {
        if (text == null || text.isBlank()) {
            return "- " + inline(head);
        }
        String[] lines = text.strip().split("\\R");
        StringBuilder b = new StringBuilder("- ").append(inline(head)).append(": ").append(inline(lines[0]));
        if (lines.length > 1) {
            b.append("\n\n  ````text\n");
            for (int i = 1; i < lines.length; i++) {
                b.append("  ").append(lines[i].replace("````", "` ` ` `")).append('\n');
            }
            b.append("  ````");
        }
        return b.toString();
    }

    /** Text for one line of Markdown: no line breaks, and the characters that make structure escaped. */
    static String inline(String text) {
        String one = text.replace("\r", "").replace('\n', ' ');
        return one.replaceAll("([\\\\`*\\[\\]<>#|])", "\\\\$1");
    }

    /** A table cell: one line, pipes escaped. */
    static String cell(String text) {
        return text.replace("\r", "").replace("\n", "<br>").replace("|", "\\|");
    }

    private void write(Path file, String text) {
        try {
            AtomicFiles.write(file, sanitizer.release(text, file.getFileName().toString())
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String json(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String utc(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : ReportFolders.utc(t.toInstant());
    }
}
