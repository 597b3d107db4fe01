package dev.selfheal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.sanitize.Sanitizer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The read endpoints of /api/v1: one page of a table's rows, newest first, after an opaque cursor, with
 * GitHub-style {@code Link: <...>; rel="next"}. Filters map to fixed columns and their values are bound
 * parameters only; a filter an endpoint does not have, a bad time or a bad cursor is a 400. Every answer passes
 * the sanitizer.
 */
@Component("apiReads")
public class ApiReads {

    /** A readable table: its SQL (selecting an {@code id} to page on) and the filters it takes (name -> column). */
    record Resource(String path, String select, String idColumn, String timeColumn, Map<String, String> filters) {
    }

    static final String DEFAULT_LIMIT = "30";
    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    private static final int MAX_FILTER_LENGTH = 200;

    static final Map<String, Resource> RESOURCES = resources();

    private final JdbcTemplate jdbc;
    private final Sanitizer sanitizer;
    private final ObjectMapper mapper;
    private final ApiProperties properties;

    private final dev.selfheal.kpi.KpiQueries kpis;
    private final int kpiWindowDays;

    public ApiReads(JdbcTemplate jdbc, Sanitizer sanitizer, ObjectMapper mapper, ApiProperties properties,
            dev.selfheal.kpi.KpiQueries kpis,
            @org.springframework.beans.factory.annotation.Value("${selfheal.kpi.window-days:7}") int kpiWindowDays) {
        this.kpis = kpis;
        this.kpiWindowDays = kpiWindowDays;
        this.jdbc = jdbc;
        this.sanitizer = sanitizer;
        this.mapper = mapper;
        this.properties = properties;
    }

    private static Map<String, Resource> resources() {
        Map<String, Resource> r = new LinkedHashMap<>();
        r.put("runs", new Resource("/api/v1/runs", """
                SELECT id, run_id, repository, workflow_id, workflow_name, run_number, run_attempt, event, head_branch,
                       head_sha, html_url, status, conclusion, run_started_at, completed_at, duration_seconds,
                       failure_category, failure_rule, failure_line, risk_level, retry_count, recovered, recovered_at, final_failure,
                       created_at, updated_at FROM phase4_metrics""", "id", "created_at",
                Map.of("repo", "repository", "workflow", "workflow_name", "category", "failure_category",
                        "conclusion", "conclusion")));
        r.put("retry-history", new Resource("/api/v1/retry-history", """
                SELECT id, original_run_id, retry_run_id, repository, attempt, category, reason, interval_seconds,
                       due_at, requested_at, completed_at, status, result, http_status, evidence, created_at
                FROM phase4_retry_history""", "id", "created_at",
                Map.of("repo", "repository", "category", "category", "status", "status")));
        r.put("events", new Resource("/api/v1/events", """
                SELECT id, event_type, repository, run_id, run_attempt, payload, occurred_at FROM phase4_events""",
                "id", "occurred_at", Map.of("repo", "repository", "type", "event_type")));
        r.put("audit-tickets", new Resource("/api/v1/audit-tickets", """
                SELECT * FROM (SELECT t.event_id AS id, t.ticket_id, t.risk_level, e.event_type, e.repository, e.run_id,
                       t.created_at FROM phase4_audit_tickets t JOIN phase4_events e ON e.id = t.event_id) tickets""",
                "id", "created_at", Map.of("repo", "repository", "risk", "risk_level", "type", "event_type")));
        r.put("notifications", new Resource("/api/v1/notifications", """
                SELECT id, event_id, event_type, repository, channel, outcome, http_status, detail, link, retry_at,
                       attempted_at FROM phase4_notifications""", "id", "attempted_at",
                Map.of("repo", "repository", "channel", "channel", "outcome", "outcome", "type", "event_type")));
        return Map.copyOf(r);
    }

    /** Route step of api-read: the resource the request path names, one page of it as the answer. */
    public void page(Exchange exchange) {
        Message in = exchange.getMessage();
        String name = resourceName(in);
        Resource resource = RESOURCES.get(name);
        if (resource == null) {
            throw new ApiProblem(404, "not-found", "No such API resource.");
        }
        int limit = limit(in.getHeader("limit", DEFAULT_LIMIT, String.class));
        List<Object> args = new ArrayList<>();
        StringBuilder where = filters(resource, in, args);
        String cursorText = in.getHeader("cursor", String.class);
        if (cursorText != null) {
            where.append(" AND ").append(resource.idColumn()).append(" < ?");
            args.add(decodeCursor(cursorText));
        }
        args.add(limit + 1);
        String sql = "SELECT * FROM (" + resource.select() + ") r WHERE true" + where + " ORDER BY "
                + resource.idColumn() + " DESC LIMIT ?";
        List<ObjectNode> rows = jdbc.query(sql, (rs, i) -> row(rs), args.toArray());
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            next = encodeCursor(rows.get(limit - 1).path("id").asLong());
        }
        ObjectNode body = mapper.createObjectNode();
        ArrayNode items = body.putArray("items");
        rows.forEach(items::add);
        body.put("nextCursor", next);
        Map<String, String> query = echoedQuery(resource, in, limit);
        answer(exchange, body);
        if (next != null) {
            query.put("cursor", next);
            in.setHeader("Link", "<" + resource.path() + "?" + queryString(query) + ">; rel=\"next\"");
        }
    }

    /** Route step of api-metrics: per repository and workflow, counts of what happened to its runs. */
    public void metrics(Exchange exchange) {
        Message in = exchange.getMessage();
        List<Object> args = new ArrayList<>();
        StringBuilder where = filters(RESOURCES.get("runs"), in, args);
        List<ObjectNode> rows = jdbc.query("""
                SELECT repository, workflow_name, count(*) AS runs,
                       count(*) FILTER (WHERE conclusion = 'failure') AS failed,
                       count(*) FILTER (WHERE retry_count > 0) AS retried,
                       count(*) FILTER (WHERE recovered) AS recovered,
                       count(*) FILTER (WHERE final_failure) AS final_failures,
                       round(avg(duration_seconds)) AS avg_duration_seconds
                FROM phase4_metrics r WHERE true""" + where
                + " GROUP BY repository, workflow_name ORDER BY repository, workflow_name LIMIT 1000",
                (rs, i) -> row(rs), args.toArray());
        ObjectNode body = mapper.createObjectNode();
        rows.forEach(body.putArray("items")::add);
        answer(exchange, body);
    }

    /** Route step of api-kpi: the counts that exist today (runs, re-runs, recoveries, notifications, events). */
    public void kpi(Exchange exchange) {
        Message in = exchange.getMessage();
        Instant from = time(in.getHeader("from", String.class), "from", false);
        Instant to = time(in.getHeader("to", String.class), "to", true);
        Timestamp f = from == null ? new Timestamp(0) : Timestamp.from(from);
        Timestamp t = to == null ? Timestamp.from(Instant.parse("9999-12-31T00:00:00Z")) : Timestamp.from(to);
        ObjectNode body = mapper.createObjectNode();
        body.set("runs", jdbc.query("""
                SELECT count(*) AS total, count(*) FILTER (WHERE conclusion = 'failure') AS failed,
                       count(*) FILTER (WHERE recovered) AS recovered, count(*) FILTER (WHERE final_failure) AS final_failures,
                       sum(retry_count) AS reruns FROM phase4_metrics WHERE created_at >= ? AND created_at < ?""",
                (rs, i) -> row(rs), f, t).get(0));
        body.set("retriesByStatus", counts("SELECT status AS k, count(*) AS n FROM phase4_retry_history "
                + "WHERE created_at >= ? AND created_at < ? GROUP BY status", f, t));
        body.set("notificationsByOutcome", counts("SELECT outcome AS k, count(*) AS n FROM phase4_notifications "
                + "WHERE attempted_at >= ? AND attempted_at < ? GROUP BY outcome", f, t));
        body.set("eventsByType", counts("SELECT event_type AS k, count(*) AS n FROM phase4_events "
                + "WHERE occurred_at >= ? AND occurred_at < ? GROUP BY event_type", f, t));
        // the KPI definitions (docs/ops/OPS_HEALTH_KPI.md, query window_summary) over whole JST days: from/to's
        // days when given, else the rolling window (selfheal.kpi.window-days) ending today
        dev.selfheal.kpi.KpiWindow window;
        try {
            window = from == null || to == null
                    ? dev.selfheal.kpi.KpiWindow.endingOn(Instant.now(), kpiWindowDays)
                    : new dev.selfheal.kpi.KpiWindow(dev.selfheal.reports.ReportFolders.jstDate(from),
                            dev.selfheal.reports.ReportFolders.jstDate(to.minusMillis(1)).plusDays(1), null);
        } catch (IllegalArgumentException empty) {
            throw ApiProblem.badRequest("'from' must be before 'to': " + empty.getMessage());
        }
        ObjectNode kpi = body.putObject("kpi");
        kpi.put("fromDay", window.fromDay().toString());
        kpi.put("toDayExclusive", window.toDay().toString());
        kpi.put("definitions", "docs/ops/OPS_HEALTH_KPI.md");
        var levels = kpi.putArray("windowSummary");
        kpis.rows("window_summary", window).forEach(r -> levels.add(mapper.valueToTree(r)));
        var observe = kpi.putArray("observeWouldHave");
        kpis.rows("observe_would_have", window).forEach(r -> observe.add(mapper.valueToTree(r)));
        var budget = kpi.putArray("githubBudget");
        kpis.rows("github_budget", window).forEach(r -> budget.add(mapper.valueToTree(r)));
        answer(exchange, body);
    }

    private ObjectNode counts(String sql, Object... args) {
        ObjectNode out = mapper.createObjectNode();
        jdbc.query(sql, rs -> {
            out.put(rs.getString("k"), rs.getLong("n"));
        }, args);
        return out;
    }

    /** The answer: sanitized JSON. */
    private void answer(Exchange exchange, JsonNode body) {
        ApiAnswers.json(exchange, 200, sanitizer.sanitize(body).toString());
    }

    private static String resourceName(Message in) {
        String path = in.getHeader(Exchange.HTTP_PATH, String.class);
        if (path == null || path.isEmpty()) {
            path = in.getHeader(Exchange.HTTP_URI, "", String.class);
        }
        int q = path.indexOf('?');
        path = q < 0 ? path : path.substring(0, q);
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private StringBuilder filters(Resource resource, Message in, List<Object> args) {
        return filters(resource, name -> in.getHeader(name, String.class), args);
    }

    /**
     * Every row of the resource the filters select, oldest first, handed over one at a time (sanitized) as the
     * database streams them: exports hold no more than one row in memory.
     */
    public void forEachRow(String name, java.util.function.Function<String, String> parameter,
            java.util.function.Consumer<ObjectNode> sink) {
        Resource resource = RESOURCES.get(name);
        if (resource == null) {
            throw new ApiProblem(404, "not-found", "No such API resource.");
        }
        List<Object> args = new ArrayList<>();
        StringBuilder where = filters(resource, parameter, args);
        String sql = "SELECT * FROM (" + resource.select() + ") r WHERE true" + where + " ORDER BY "
                + resource.idColumn();
        jdbc.query(con -> {
            // a cursor, not the whole result: PostgreSQL streams with a fetch size only inside a transaction
            con.setAutoCommit(false);
            var statement = con.prepareStatement(sql);
            statement.setFetchSize(500);
            for (int i = 0; i < args.size(); i++) {
                statement.setObject(i + 1, args.get(i));
            }
            return statement;
        }, (org.springframework.jdbc.core.RowCallbackHandler) rs -> sink.accept((ObjectNode) sanitizer.sanitize(row(rs))));
    }

    private StringBuilder filters(Resource resource, java.util.function.Function<String, String> in, List<Object> args) {
        StringBuilder where = new StringBuilder();
        for (String name : List.of("repo", "workflow", "category", "conclusion", "status", "type", "risk",
                "channel", "outcome")) {
            String value = in.apply(name);
            if (value == null) {
                continue;
            }
            String column = resource.filters().get(name);
            if (column == null) {
                throw ApiProblem.badRequest("Filter '" + name + "' does not apply to " + resource.path() + "; it takes "
                        + String.join(", ", new java.util.TreeSet<>(resource.filters().keySet())) + ", from, to.");
            }
            if (value.length() > MAX_FILTER_LENGTH) {
                throw ApiProblem.badRequest("Filter '" + name + "' is longer than " + MAX_FILTER_LENGTH + " characters.");
            }
            where.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
        Instant from = time(in.apply("from"), "from", false);
        Instant to = time(in.apply("to"), "to", true);
        if (from != null) {
            where.append(" AND ").append(resource.timeColumn()).append(" >= ?");
            args.add(Timestamp.from(from));
        }
        if (to != null) {
            where.append(" AND ").append(resource.timeColumn()).append(" < ?");
            args.add(Timestamp.from(to));
        }
        return where;
    }

    /** An instant (2026-11-20T10:00:00Z) or a UTC date (2026-11-20; as {@code to}, the whole day is included). */
    static Instant time(String text, String name, boolean endOfDay) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest("'" + name + "' must be a UTC time (2026-11-20T10:00:00Z) or a date (2026-11-20).");
        }
    }

    private int limit(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= properties.maxPageSize()) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.badRequest("'limit' must be a number from 1 to " + properties.maxPageSize() + ".");
    }

    static String encodeCursor(long id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("id:" + id).getBytes(StandardCharsets.US_ASCII));
    }

    static long decodeCursor(String cursor) {
        try {
            if (CURSOR.matcher(cursor).matches()) {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
                if (text.startsWith("id:")) {
                    return Long.parseLong(text.substring(3));
                }
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ApiProblem.badRequest("'cursor' is not one this API gave out; take it from the Link header.");
    }

    /** The validated query of this page, for the next page's link (the caller's own text is not reflected). */
    private Map<String, String> echoedQuery(Resource resource, Message in, int limit) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : new java.util.TreeSet<>(resource.filters().keySet())) {
            String value = in.getHeader(name, String.class);
            if (value != null) {
                query.put(name, value);
            }
        }
        for (String name : List.of("from", "to")) {
            String value = in.getHeader(name, String.class);
            if (value != null && !value.isEmpty()) {
                query.put(name, value);
            }
        }
        query.put("limit", String.valueOf(limit));
        return query;
    }

    private static String queryString(Map<String, String> query) {
        StringBuilder b = new StringBuilder();
        query.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString();
    }

    private ObjectNode row(ResultSet rs) throws SQLException {
        ObjectNode node = mapper.createObjectNode();
        ResultSetMetaData meta = rs.getMetaData();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
            String name = camel(meta.getColumnLabel(c));
            Object value = rs.getObject(c);
            if (value == null) {
                node.putNull(name);
            } else if (value instanceof Timestamp t) {
                node.put(name, t.toInstant().toString());
            } else if (value instanceof org.postgresql.util.PGobject json && json.getValue() != null) {
                try {
                    node.set(name, mapper.readTree(json.getValue()));
                } catch (Exception e) {
                    node.put(name, json.getValue());
                }
            } else {
                node.set(name, mapper.valueToTree(value));
            }
        }
        return node;
    }

    private static String camel(String column) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char ch : column.toCharArray()) {
            if (ch == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return b.toString();
    }
}
