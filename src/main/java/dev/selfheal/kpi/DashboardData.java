package dev.selfheal.kpi;

import dev.selfheal.killswitch.KillSwitch;
import dev.selfheal.killswitch.KillSwitchEffects;
import dev.selfheal.killswitch.KillSwitchState;
import dev.selfheal.mode.OperatingMode;
import dev.selfheal.reports.ReportFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * What the Observer dashboard shows, as one JSON-ready map: the window's KPIs and daily trend, failures by
 * category, durations, top failing workflows, unknown failures with their suggested rules, GitHub's API budget,
 * observe mode's held-back writes, kill-switch time, the operating mode and kill switch now and the state of the
 * routes the switch stops, and today's runs with links to their evidence and audit tickets
 * (paths relative to the reports root). Every number comes from a named query of {@link KpiQueries}.
 */
@Component
public class DashboardData {

    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
    static final int MAX_DAYS = 90;

    private final KpiQueries queries;
    private final ReportFolders folders;
    private final CamelContext camel;
    private final int windowDays;
    private final KillSwitch killSwitch;
    private final KillSwitchEffects killSwitchEffects;
    private final OperatingMode mode;

    public DashboardData(KpiQueries queries, ReportFolders folders, CamelContext camel,
            @Value("${selfheal.kpi.window-days:7}") int windowDays, KillSwitch killSwitch,
            KillSwitchEffects killSwitchEffects, OperatingMode mode) {
        this.killSwitch = killSwitch;
        this.killSwitchEffects = killSwitchEffects;
        this.mode = mode;
        this.queries = queries;
        this.folders = folders;
        this.camel = camel;
        this.windowDays = windowDays;
    }

    public int defaultWindowDays() {
        return windowDays;
    }

    /**
     * The dashboard of the {@code days} JST days ending today, for one repository or (null) all of them. Bad input
     * is refused with an {@link IllegalArgumentException} naming what is wrong.
     */
    public Map<String, Object> build(Integer days, String repository) {
        int d = days == null ? windowDays : days;
        if (d < 1 || d > MAX_DAYS) {
            throw new IllegalArgumentException("days must be between 1 and " + MAX_DAYS);
        }
        String repo = repository == null || repository.isBlank() ? null : repository.trim();
        if (repo != null && !REPOSITORY.matcher(repo).matches()) {
            throw new IllegalArgumentException("repository must be owner/repo");
        }
        Instant now = folders.now();
        KpiWindow window = KpiWindow.endingOn(now, d).forRepository(repo);
        LocalDate today = ReportFolders.jstDate(now);
        KpiWindow todayOnly = new KpiWindow(today, today.plusDays(1), repo);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("generatedAt", ReportFolders.utc(now));
        out.put("window", Map.of("fromDay", window.fromDay().toString(), "toDay", window.toDay().toString(),
                "days", d, "repository", repo == null ? "" : repo));
        List<Map<String, Object>> summary = rows("window_summary", window);
        out.put("summary", summary.isEmpty() ? Map.of() : summary.get(0));
        out.put("perWorkflow", summary.stream().filter(r -> "workflow".equals(r.get("level"))).toList());
        out.put("trend", rows("daily_trend", window));
        out.put("categories", rows("failures_by_category", window));
        out.put("durations", queries.first("duration_percentiles", window));
        out.put("topFailingWorkflows", rows("top_failing_workflows", window));
        out.put("retryEfficacy", rows("retry_efficacy", window));
        out.put("guardBlocks", queries.first("guard_blocks", window).get("guard_blocks"));
        out.put("observeWouldHave", rows("observe_would_have", window));
        out.put("unknownFailures", rows("unknown_failures", window));
        out.put("killswitchTime", rows("killswitch_time", window));
        out.put("notifications", rows("notifications_by_channel", window));
        out.put("githubBudget", rows("github_budget", window));
        out.put("control", control());
        out.put("routes", routeStates());
        out.put("todayRuns", withEvidence(rows("runs_in_window", todayOnly), today));
        return out;
    }

    private List<Map<String, Object>> rows(String name, KpiWindow window) {
        return queries.rows(name, window).stream().map(DashboardData::plain).toList();
    }

    /** Dates and times as text (UTC ISO-8601 with Z, as every file states a time). */
    static Map<String, Object> plain(Map<String, Object> row) {
        Map<String, Object> out = new LinkedHashMap<>();
        row.forEach((k, v) -> out.put(k, v instanceof Timestamp t ? ReportFolders.utc(t.toInstant())
                : v instanceof java.sql.Date date ? date.toString() : v));
        return out;
    }

    /** The operating mode and the kill switch as they are now. */
    private Map<String, Object> control() {
        KillSwitchState s = killSwitch.state();
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("engaged", s.engaged());
        if (s.engaged()) {
            k.put("since", s.since() == null ? null : ReportFolders.utc(s.since()));
            k.put("trigger", s.trigger());
            k.put("reason", s.reason());
            k.put("actor", s.actor());
            k.put("verification", s.verification());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", mode.current());
        out.put("killSwitch", k);
        return out;
    }

    /** The routes the kill switch stops (rules file's targets) and their state now. */
    private List<Map<String, Object>> routeStates() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : killSwitchEffects.targetRouteIds()) {
            ServiceStatus status = camel.getRouteController().getRouteStatus(id);
            out.add(Map.of("route", id, "status", status == null ? "absent" : status.name()));
        }
        return out;
    }

    /** Each run's audit tickets (Markdown) and its evidence folder, when collected, relative to the reports root. */
    private List<Map<String, Object>> withEvidence(List<Map<String, Object>> runs, LocalDate today) {
        Path root = folders.root();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> run : runs) {
            Map<String, Object> r = new LinkedHashMap<>(run);
            Object tickets = r.remove("audit_tickets");
            r.put("auditTickets", tickets == null ? List.of() : Arrays.asList(tickets.toString().split(" ")));
            String evidence = today + "/artifacts/" + r.get("run_id");
            r.put("evidence", Files.isDirectory(root.resolve(evidence)) ? evidence + "/" : null);
            out.add(r);
        }
        return out;
    }
}
