package dev.selfheal.governance;

import dev.selfheal.evidence.EvidenceLinkChecker;
import dev.selfheal.kpi.KpiQueries;
import dev.selfheal.kpi.KpiRollup;
import dev.selfheal.kpi.KpiWindow;
import dev.selfheal.policy.DetectionRules;
import dev.selfheal.policy.KillSwitchRules;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The governance documents, from the templates in {@code src/main/resources/governance/}: OPS_HEALTH_KPI.md and
 * ROLLBACK_PROTOCOL.md (into the day folder and, when {@code selfheal.kpi.docs-dir} is set, that folder), and
 * AUTO_OBSERVER_SUMMARY.md for an observer run. Every number is a named KPI query's column, and each table says
 * which. After writing, every relative link of the documents is checked (EvidenceLinkChecker).
 */
@Component
public class GovernanceDocs {

    public static final String KPI_DOC = "OPS_HEALTH_KPI.md";
    public static final String ROLLBACK_DOC = "ROLLBACK_PROTOCOL.md";
    public static final String OBSERVER_DOC = "AUTO_OBSERVER_SUMMARY.md";
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");

    /** What a generation wrote and the links in it that lead nowhere (empty when all resolve). */
    public record Generated(List<Path> files, List<EvidenceLinkChecker.BrokenLink> brokenLinks) {
    }

    private final KpiQueries queries;
    private final KpiRollup rollup;
    private final KpiTargets targets;
    private final PolicyFiles policies;
    private final ReportFolders folders;
    private final ReportLog reportLog;
    private final Sanitizer sanitizer;
    private final EvidenceLinkChecker links;
    private final int windowDays;
    private final String docsDir;

    public GovernanceDocs(KpiQueries queries, KpiRollup rollup, KpiTargets targets, PolicyFiles policies, ReportFolders folders,
            ReportLog reportLog, Sanitizer sanitizer, EvidenceLinkChecker links,
            @Value("${selfheal.kpi.window-days:7}") int windowDays,
            @Value("${selfheal.kpi.docs-dir:}") String docsDir) {
        this.queries = queries;
        this.rollup = rollup;
        this.targets = targets;
        this.policies = policies;
        this.folders = folders;
        this.reportLog = reportLog;
        this.sanitizer = sanitizer;
        this.links = links;
        this.windowDays = windowDays;
        this.docsDir = docsDir == null ? "" : docsDir.trim();
    }

    /** At start-up (route kpi-docs-startup): the day's documents, unless the day already has them. */
    public Generated generateIfMissing() throws IOException {
        if (Files.exists(folders.dayFolder(folders.now()).resolve(KPI_DOC))) {
            return new Generated(List.of(), List.of());
        }
        return generate();
    }

    /** OPS_HEALTH_KPI.md and ROLLBACK_PROTOCOL.md, into the day folder and the docs folder (daily, on demand). */
    public Generated generate() throws IOException {
        // the numbers are today's, also when a command runs without the rollup's route
        rollup.refresh();
        Instant now = folders.now();
        KpiWindow window = KpiWindow.endingOn(now, windowDays);
        List<Path> dirs = new ArrayList<>(List.of(folders.dayFolder(now)));
        if (!docsDir.isEmpty()) {
            try {
                Path dir = Files.createDirectories(Path.of(docsDir));
                if (Files.isWritable(dir)) {
                    dirs.add(dir);
                } else {
                    reportLog.append("kpi", "governance documents not copied to " + dir + ": not writable");
                }
            } catch (IOException e) {
                // a read-only install directory (a container) still gets the day folder's documents
                reportLog.append("kpi", "governance documents not copied to " + docsDir + ": " + e);
            }
        }
        List<Path> written = new ArrayList<>();
        List<EvidenceLinkChecker.BrokenLink> broken = new ArrayList<>();
        for (Path dir : dirs) {
            Path kpi = dir.resolve(KPI_DOC);
            Path rollback = dir.resolve(ROLLBACK_DOC);
            write(kpi, render(KPI_DOC, kpiValues(window, now, dir)));
            write(rollback, render(ROLLBACK_DOC, rollbackValues(window, now, dir)));
            written.add(kpi);
            written.add(rollback);
            broken.addAll(check(dir, List.of(kpi, rollback)));
        }
        reportLog.append("kpi", "governance documents generated: " + written.size() + " file(s), "
                + (broken.isEmpty() ? "every link resolves" : broken.size() + " broken link(s): " + broken));
        return new Generated(written, broken);
    }

    /** AUTO_OBSERVER_SUMMARY.md of an observer run over the last {@code days} JST days, in the day folder. */
    public Generated observerSummary(int days, String observerRunId) throws IOException {
        checkRunId(observerRunId);
        // the summary links the day's governance documents: they are written first when the day has none
        generateIfMissing();
        rollup.refresh();
        Instant now = folders.now();
        KpiWindow window = KpiWindow.endingOn(now, days);
        Path dir = folders.dayFolder(now);
        Map<String, String> v = kpiValues(window, now, dir);
        v.put("observerRunId", observerRunId);
        v.put("links", common(window, now, dir, OBSERVER_DOC).get("links"));
        v.put("topFailing", Markdown.table(List.of("repository", "workflow", "failed runs", "final failures", "runs"),
                queries.rows("top_failing_workflows", window).stream().map(r -> java.util.Arrays.<Object>asList(
                        r.get("repository"), r.get("workflow_name"), r.get("failed_runs"), r.get("final_failures"),
                        r.get("runs"))).toList()));
        v.put("unknown", unknownTable(window));
        v.put("notifications", Markdown.table(List.of("channel", "outcome", "attempts"),
                queries.rows("notifications_by_channel", window).stream().map(r -> java.util.Arrays.<Object>asList(r.get("channel"),
                        r.get("outcome"), r.get("attempts"))).toList()));
        v.put("killswitchTime", killswitchTable(window));
        Path file = dir.resolve(OBSERVER_DOC);
        write(file, render(OBSERVER_DOC, v));
        List<EvidenceLinkChecker.BrokenLink> broken = check(dir, List.of(file));
        reportLog.append("kpi", "observer summary for run " + observerRunId + " (" + days + " days) written: "
                + dir.getFileName() + "/" + OBSERVER_DOC
                + (broken.isEmpty() ? ", every link resolves" : ", broken links: " + broken));
        return new Generated(List.of(file), broken);
    }

    /** An observer run id names a document: 1-64 letters, digits, '.', '_' or '-'. */
    public static void checkRunId(String observerRunId) {
        if (observerRunId == null || !RUN_ID.matcher(observerRunId).matches()) {
            throw new IllegalArgumentException("observer run id must be 1-64 letters, digits, '.', '_' or '-'");
        }
    }

    private Map<String, String> kpiValues(KpiWindow window, Instant now, Path dir) {
        KpiWindow previous = new KpiWindow(window.fromDay().minusDays(window.days()), window.fromDay(), null);
        Map<String, Object> cur = queries.first("window_summary", window);
        Map<String, Object> prev = queries.first("window_summary", previous);
        Map<String, Object> curEff = efficacy(window);
        Map<String, Object> prevEff = efficacy(previous);
        Map<String, Object> dur = queries.first("duration_percentiles", window);
        Map<String, Object> prevDur = queries.first("duration_percentiles", previous);
        List<List<Object>> rows = new ArrayList<>();
        rows.add(row("runs", "window_summary.runs", cur.get("runs"), prev.get("runs"), false, null));
        rows.add(row("first-attempt success rate", "window_summary.first_attempt_success_rate",
                cur.get("first_attempt_success_rate"), prev.get("first_attempt_success_rate"), true, null));
        rows.add(row("final success rate", "window_summary.final_success_rate", cur.get("final_success_rate"),
                prev.get("final_success_rate"), true, "≥ " + Markdown.pct(targets.finalSuccessRate())));
        rows.add(row("healed rate", "window_summary.healed_rate", cur.get("healed_rate"), prev.get("healed_rate"),
                true, "≥ " + Markdown.pct(targets.healedRate())));
        rows.add(row("retry efficacy", "retry_efficacy.retry_efficacy (all)", curEff.get("retry_efficacy"),
                prevEff.get("retry_efficacy"), true, "≥ " + Markdown.pct(targets.retryEfficacy())));
        rows.add(row("average re-runs per failed run", "window_summary.avg_reruns_per_failed_run",
                cur.get("avg_reruns_per_failed_run"), prev.get("avg_reruns_per_failed_run"), false, null));
        rows.add(row("flaky rate", "window_summary.flaky_rate", cur.get("flaky_rate"), prev.get("flaky_rate"), true,
                null));
        rows.add(row("unknown share", "window_summary.unknown_share", cur.get("unknown_share"),
                prev.get("unknown_share"), true, "≤ " + Markdown.pct(targets.unknownShareMax())));
        rows.add(row("self-healed within 24 h", "window_summary.self_healed_24h_share",
                cur.get("self_healed_24h_share"), prev.get("self_healed_24h_share"), true,
                "≥ " + Markdown.pct(targets.selfHealed24hShare())));
        rows.add(row("MTTR (s)", "window_summary.mttr_seconds", cur.get("mttr_seconds"), prev.get("mttr_seconds"),
                false, "≤ " + targets.mttrSecondsMax() + " s"));
        rows.add(row("duration p50 (s)", "duration_percentiles.duration_p50_seconds", dur.get("duration_p50_seconds"),
                prevDur.get("duration_p50_seconds"), false, null));
        rows.add(row("duration p95 (s)", "duration_percentiles.duration_p95_seconds", dur.get("duration_p95_seconds"),
                prevDur.get("duration_p95_seconds"), false, null));
        rows.add(row("queue time p95 (s)", "duration_percentiles.queue_p95_seconds", dur.get("queue_p95_seconds"),
                prevDur.get("queue_p95_seconds"), false, null));
        rows.add(row("guard blocks", "guard_blocks.guard_blocks", queries.first("guard_blocks", window)
                .get("guard_blocks"), queries.first("guard_blocks", previous).get("guard_blocks"), false, null));
        rows.add(row("observe mode: GitHub writes held back", "observe_would_have.writes (sum)",
                withheld(window), withheld(previous), false, null));
        rows.add(row("GitHub API requests", "github_budget.requests (sum)", sum("github_budget", "requests", window),
                sum("github_budget", "requests", previous), false, null));
        rows.add(row("GitHub rate-limited answers", "github_budget.rate_limited (sum)",
                sum("github_budget", "rate_limited", window), sum("github_budget", "rate_limited", previous), false,
                null));

        Map<String, String> v = common(window, now, dir, KPI_DOC);
        v.put("previousWindow", previous.fromDay() + " .. " + previous.toDay().minusDays(1));
        v.put("kpiTable", Markdown.table(List.of("KPI", "value", "previous", "trend", "target", "query"), rows));
        v.put("perRepository", Markdown.table(List.of("repository", "runs", "final success", "healed rate",
                "unknown share", "MTTR (s)", "query"), queries.rows("window_summary", window).stream()
                .filter(r -> "repository".equals(r.get("level"))).map(r -> java.util.Arrays.<Object>asList(r.get("repository"),
                        r.get("runs"), Markdown.pct(r.get("final_success_rate")), Markdown.pct(r.get("healed_rate")),
                        Markdown.pct(r.get("unknown_share")), Markdown.seconds(r.get("mttr_seconds")),
                        "window_summary (repository)")).toList()));
        v.put("categories", Markdown.table(List.of("category", "failures", "re-runs", "healed", "query"),
                queries.rows("failures_by_category", window).stream().map(r -> java.util.Arrays.<Object>asList(r.get("category"),
                        r.get("failures"), r.get("reruns"), r.get("healed_runs"), "failures_by_category")).toList()));
        v.put("notes", notes(window, cur, curEff));
        return v;
    }

    private Map<String, String> rollbackValues(KpiWindow window, Instant now, Path dir) {
        Map<String, String> v = common(window, now, dir, ROLLBACK_DOC);
        KillSwitchRules rules = policies.killSwitchRules();
        v.put("targets", String.join(", ", rules.targets().stream().map(t -> "`" + t + "`").toList()));
        v.put("conditions", Markdown.table(List.of("condition", "type", "threshold", "window (min)"),
                rules.conditions().stream().map(c -> java.util.Arrays.<Object>asList(c.id(), c.type(), c.threshold(),
                        c.windowMinutes())).toList()));
        DetectionRules detection = policies.detectionRules();
        v.put("detectionRules", detectionRules(detection));
        v.put("killswitchTime", killswitchTable(window));
        v.put("history", Markdown.table(List.of("time (UTC)", "actor", "action", "target", "condition", "reason",
                "released (UTC)"), queries.rows("killswitch_history", Map.of()).stream().map(r -> java.util.Arrays.<Object>asList(
                        utc(r.get("triggered_at")), r.get("actor"), r.get("action"), r.get("target"),
                        r.get("condition_id"), r.get("reason"), utc(r.get("released_at")))).toList()));
        v.put("rollbacks", Markdown.table(List.of("requested (UTC)", "repository", "workflow", "mode", "trigger",
                "actor", "reason", "outcome", "verified"), queries.rows("rollback_history", Map.of()).stream()
                .map(r -> java.util.Arrays.<Object>asList(utc(r.get("requested_at")), r.get("repository"),
                        r.get("workflow"), r.get("mode"), r.get("trigger"), r.get("actor"), r.get("reason"),
                        r.get("outcome"), r.get("verified"))).toList()));
        return v;
    }

    private String detectionRules(DetectionRules detection) {
        List<List<Object>> rows = new ArrayList<>();
        for (var rule : detection.rules()) {
            if ("rollback".equals(rule.action()) || "killswitch".equals(rule.action())) {
                rows.add(java.util.Arrays.<Object>asList(rule.id(), rule.type(), rule.action()));
            }
        }
        return Markdown.table(List.of("rule", "type", "action"), rows);
    }

    private Map<String, String> common(KpiWindow window, Instant now, Path dir, String self) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("generatedAt", ReportFolders.utc(now));
        v.put("window", window.fromDay() + " .. " + window.toDay().minusDays(1) + " (JST)");
        v.put("days", Integer.toString(window.days()));
        v.put("previousWindow", window.fromDay().minusDays(window.days()) + " .. " + window.fromDay().minusDays(1));
        List<String> see = new ArrayList<>();
        for (String doc : List.of(KPI_DOC, ROLLBACK_DOC)) {
            if (!doc.equals(self)) {
                see.add("[" + doc + "](" + doc + ")");
            }
        }
        if (Files.exists(dir.resolve("OBSERVER_DASHBOARD.html"))) {
            see.add("[the day's Observer dashboard](OBSERVER_DASHBOARD.html)");
        }
        v.put("links", "See also: " + String.join(", ", see) + ".");
        return v;
    }

    private Map<String, Object> efficacy(KpiWindow window) {
        return queries.rows("retry_efficacy", window).stream().filter(r -> "all".equals(r.get("level"))).findFirst()
                .orElse(Map.of());
    }

    /** Notes derived from the data: targets missed, the top unknown failure, the worst retry efficacy. */
    private String notes(KpiWindow window, Map<String, Object> cur, Map<String, Object> eff) {
        List<String> notes = new ArrayList<>();
        below(notes, "final success rate", cur.get("final_success_rate"), targets.finalSuccessRate(), true);
        below(notes, "healed rate", cur.get("healed_rate"), targets.healedRate(), true);
        below(notes, "self-healed within 24 h", cur.get("self_healed_24h_share"), targets.selfHealed24hShare(), true);
        below(notes, "retry efficacy", eff.get("retry_efficacy"), targets.retryEfficacy(), true);
        below(notes, "unknown share", cur.get("unknown_share"), targets.unknownShareMax(), false);
        queries.rows("unknown_failures", window).stream().findFirst().ifPresent(u -> notes.add(
                "Top unknown failure (query `unknown_failures`): " + Markdown.code(u.get("normalised")) + ", "
                + u.get("failures") + " failure(s) in " + u.get("runs") + " run(s); add a rule such as "
                + Markdown.code(u.get("suggested_pattern")) + " with a category, and check it with "
                + "`selfheal classify --test`."));
        queries.rows("retry_efficacy", window).stream().filter(r -> "workflow".equals(r.get("level")))
                .filter(r -> r.get("retry_efficacy") != null).findFirst().ifPresent(r -> notes.add(
                        "Worst retry efficacy (query `retry_efficacy`): " + Markdown.cell(r.get("repository")) + " "
                        + Markdown.cell(r.get("workflow_name")) + ", " + Markdown.pct(r.get("retry_efficacy"))
                        + " of " + r.get("reruns_sent") + " re-run(s) healed: look at what its re-runs fail on."));
        queries.rows("top_failing_workflows", window).stream().findFirst().ifPresent(r -> notes.add(
                "Most failed runs (query `top_failing_workflows`): " + Markdown.cell(r.get("repository")) + " "
                + Markdown.cell(r.get("workflow_name")) + ", " + r.get("failed_runs") + " of " + r.get("runs")
                + " run(s)."));
        if (notes.isEmpty()) {
            return "- Nothing to improve in this window: every target is met and no failure stands out.";
        }
        return "- " + String.join("\n- ", notes);
    }

    private static void below(List<String> notes, String kpi, Object value, double target, boolean atLeast) {
        if (value instanceof Number n && (atLeast ? n.doubleValue() < target : n.doubleValue() > target)) {
            notes.add("Target missed: " + kpi + " is " + Markdown.pct(n) + ", target " + (atLeast ? "≥ " : "≤ ")
                    + Markdown.pct(target) + ".");
        }
    }

    private String unknownTable(KpiWindow window) {
        return Markdown.table(List.of("first error line (normalised)", "failures", "runs", "suggested rule"),
                queries.rows("unknown_failures", window).stream().map(r -> java.util.Arrays.<Object>asList(r.get("normalised"),
                        r.get("failures"), r.get("runs"), r.get("suggested_pattern"))).toList());
    }

    private String killswitchTable(KpiWindow window) {
        return Markdown.table(List.of("target", "stops", "stopped (s)"), queries.rows("killswitch_time", window)
                .stream().map(r -> java.util.Arrays.<Object>asList(r.get("target"), r.get("stops"), r.get("stopped_seconds")))
                .toList());
    }

    private static List<Object> row(String kpi, String query, Object value, Object previous, boolean rate,
            String target) {
        return java.util.Arrays.<Object>asList(kpi, format(value, rate), format(previous, rate), arrow(value, previous, rate),
                target == null ? "–" : target, "`" + query + "`");
    }

    private static String format(Object v, boolean rate) {
        if (!(v instanceof Number n)) {
            return "–";
        }
        return rate ? Markdown.pct(n) : n.doubleValue() == Math.rint(n.doubleValue()) ? Long.toString(n.longValue())
                : String.format(java.util.Locale.ROOT, "%.2f", n.doubleValue());
    }

    static String arrow(Object value, Object previous, boolean rate) {
        if (!(value instanceof Number v) || !(previous instanceof Number p)) {
            return "·";
        }
        double tolerance = rate ? 0.005 : Math.abs(p.doubleValue()) * 0.005;
        double d = v.doubleValue() - p.doubleValue();
        return Math.abs(d) <= tolerance ? "→" : d > 0 ? "↑" : "↓";
    }

    private static String utc(Object t) {
        return t instanceof java.sql.Timestamp ts ? ReportFolders.utc(ts.toInstant()) : null;
    }

    private void write(Path file, String text) throws IOException {
        AtomicFiles.write(file, sanitizer.release(text, file.getFileName().toString()).getBytes(StandardCharsets.UTF_8));
    }

    private List<EvidenceLinkChecker.BrokenLink> check(Path dir, List<Path> ours) {
        return links.check(dir).stream().filter(b -> ours.contains(b.file())).toList();
    }

    static String render(String template, Map<String, String> values) {
        String text;
        try (InputStream in = GovernanceDocs.class.getClassLoader().getResourceAsStream("governance/" + template)) {
            if (in == null) {
                throw new IllegalStateException("template governance/" + template + " is missing from the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("template " + template + " names {{" + m.group(1) + "}}, which has no value");
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Observe mode's held-back writes in the window, all decisions together. */
    private long withheld(KpiWindow window) {
        return sum("observe_would_have", "writes", window);
    }

    /** A column of a named query summed over its rows. */
    private long sum(String query, String column, KpiWindow window) {
        return queries.rows(query, window).stream().map(r -> (Number) r.get(column))
                .mapToLong(n -> n == null ? 0 : n.longValue()).sum();
    }
}
