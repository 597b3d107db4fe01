package dev.selfheal.kpi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The KPI definitions, written once in {@code kpi/kpi-queries.sql} and run here by name: the dashboard, the
 * Prometheus gauges, the governance documents (and later the REST API) all ask this bean, so a number means the
 * same everywhere. Every query is computed in PostgreSQL; nothing loads runs into memory.
 */
@Component
public class KpiQueries {

    public static final String RESOURCE = "kpi/kpi-queries.sql";
    private static final String NAME = "-- name: ";

    private final NamedParameterJdbcTemplate jdbc;
    private final Map<String, NamedQuery> queries;

    public KpiQueries(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.queries = load();
    }

    /** Every definition in file order. */
    public Map<String, NamedQuery> definitions() {
        return Collections.unmodifiableMap(queries);
    }

    public NamedQuery definition(String name) {
        NamedQuery q = queries.get(name);
        if (q == null) {
            throw new IllegalArgumentException("no KPI query named " + name + " in " + RESOURCE);
        }
        return q;
    }

    /** The rows of query {@code name} over {@code window} (column name to value, in the query's order). */
    public List<Map<String, Object>> rows(String name, KpiWindow window) {
        return rows(name, window.parameters());
    }

    public List<Map<String, Object>> rows(String name, Map<String, ?> parameters) {
        return jdbc.queryForList(definition(name).sql(), parameters);
    }

    public int update(String name, Map<String, ?> parameters) {
        return jdbc.update(definition(name).sql(), parameters);
    }

    /** The single row of a one-row query (window_summary's 'all' level, duration_percentiles, guard_blocks). */
    public Map<String, Object> first(String name, KpiWindow window) {
        List<Map<String, Object>> rows = rows(name, window);
        return rows.isEmpty() ? Map.of() : rows.get(0);
    }

    /** The definitions as shipped in the jar (no database needed: for documents and checks). */
    public static Map<String, NamedQuery> load() {
        String text;
        try (InputStream in = KpiQueries.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the KPI definitions " + RESOURCE + " are missing from the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(text);
    }

    static Map<String, NamedQuery> parse(String text) {
        Map<String, NamedQuery> out = new LinkedHashMap<>();
        String[] blocks = text.split("(?m)^(?=" + NAME + ")");
        for (String block : blocks) {
            if (!block.startsWith(NAME)) {
                continue;
            }
            String[] lines = block.split("\n");
            String name = lines[0].substring(NAME.length()).trim();
            StringBuilder description = new StringBuilder();
            int i = 1;
            for (; i < lines.length && lines[i].startsWith("--"); i++) {
                description.append(description.isEmpty() ? "" : " ").append(lines[i].substring(2).trim());
            }
            StringBuilder sql = new StringBuilder();
            for (; i < lines.length; i++) {
                sql.append(lines[i]).append('\n');
            }
            String body = sql.toString().strip();
            if (body.endsWith(";")) {
                body = body.substring(0, body.length() - 1);
            }
            if (out.put(name, new NamedQuery(name, description.toString(), body)) != null) {
                throw new IllegalStateException("KPI query " + name + " is defined twice in " + RESOURCE);
            }
        }
        return out;
    }
}
