package dev.selfheal.api;

import dev.selfheal.reports.ReportLog;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Every authenticated API call: a row in {@code api_calls} and a line in the day's {@code api_log_YYYYMMDD.log}
 * (key id, method, route, status, milliseconds). The route is the endpoint's template, never the path the caller
 * typed; a call the database cannot record is still answered (and says so at WARN).
 */
@Component
public class ApiCallLog {

    private static final Logger LOG = LoggerFactory.getLogger("selfheal.api");
    static final List<String> ROUTES = List.of("/api/v1/runs", "/api/v1/metrics", "/api/v1/retry-history",
            "/api/v1/events", "/api/v1/audit-tickets", "/api/v1/notifications", "/api/v1/kpi", "/api/v1/keys",
            "/api/v1/reprocess", "/api/v1/classify", "/api/v1/events/stream", "/api/v1/openapi.json");
    private static final Pattern KEY_PATH = Pattern.compile("/api/v1/keys/[a-z0-9]{12}");
    private static final Pattern EXPORT_PATH = Pattern.compile("/api/v1/exports/[a-z-]{1,20}");

    private final JdbcTemplate jdbc;
    private final ReportLog reportLog;

    public ApiCallLog(JdbcTemplate jdbc, ReportLog reportLog) {
        this.jdbc = jdbc;
        this.reportLog = reportLog;
    }

    /** The endpoint template a request path is, or {@code other}. */
    public static String routeOf(String path) {
        if (ROUTES.contains(path)) {
            return path;
        }
        if (KEY_PATH.matcher(path).matches()) {
            return "/api/v1/keys/{keyId}";
        }
        return EXPORT_PATH.matcher(path).matches() ? "/api/v1/exports/{resource}" : "other";
    }

    public void record(String keyId, String method, String path, int status, long millis, String clientIp) {
        String route = routeOf(path);
        String verb = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS").contains(method) ? method
                : "OTHER";
        try {
            jdbc.update("INSERT INTO api_calls (key_id, method, route, status, millis, client_ip) VALUES (?, ?, ?, ?, ?, ?)",
                    keyId, verb, route, status, (int) Math.min(millis, Integer.MAX_VALUE), clientIp);
        } catch (RuntimeException e) {
            LOG.warn("API call of key {} not recorded in api_calls: {}", keyId, e.getClass().getSimpleName());
        }
        reportLog.append("api", "key " + keyId + " " + verb + " " + route + " -> " + status + " in " + millis + " ms");
    }
}
