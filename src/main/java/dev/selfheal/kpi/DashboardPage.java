package dev.selfheal.kpi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The dashboard's HTML from the template {@code kpi/dashboard.html}: live (ECharts and the data loaded from the
 * management port) or self-contained (ECharts from the WebJar and the data inlined, for the day folder's offline
 * copy). The data passes the sanitizer before it leaves.
 */
@Component
public class DashboardPage {

    /** ECharts as shipped in the WebJar org.webjars.npm:echarts (no CDN). */
    public static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
    static final String TEMPLATE = "kpi/dashboard.html";

    private final ObjectMapper json;
    private final Sanitizer sanitizer;

    public DashboardPage(ObjectMapper json, Sanitizer sanitizer) {
        this.json = json;
        this.sanitizer = sanitizer;
    }

    /** The data as JSON, sanitized (fail closed: nothing is released that would still hold a secret). */
    public String json(Map<String, Object> data) {
        try {
            return sanitizer.release(json.writeValueAsString(data), "dashboard data");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dashboard data cannot be written as JSON", e);
        }
    }

    /** The page served at /dashboard: scripts and data from the management port. */
    public String live() {
        return template()
                .replace("/*ECHARTS*/", "<script src=\"/dashboard/echarts.min.js\"></script>")
                .replace("/*DATA*/", "<script>window.DASHBOARD_DATA_URL = '/dashboard/data.json'; "
                        + "window.DASHBOARD_REPORTS_BASE = '/dashboard/reports/';</script>");
    }

    /**
     * The offline copy: everything inlined. {@code reportsBase} leads from where the file is saved to the reports
     * root (links to evidence and audit tickets).
     */
    public String selfContained(Map<String, Object> data, String reportsBase) {
        // the data (and the link base) pass the sanitizer; the template and ECharts are the service's own code
        return template()
                .replace("/*ECHARTS*/", "<script>\n" + scriptSafe(new String(echarts(), StandardCharsets.UTF_8))
                        + "\n</script>")
                .replace("/*DATA*/", "<script>window.DASHBOARD_DATA = " + scriptSafe(json(data))
                        + ";\nwindow.DASHBOARD_REPORTS_BASE = " + scriptSafe(sanitizer.release(quote(reportsBase),
                        "dashboard copy")) + ";</script>");
    }

    public byte[] echarts() {
        return resource(ECHARTS);
    }

    private String template() {
        return new String(resource(TEMPLATE), StandardCharsets.UTF_8);
    }

    /** Text inside a script element must not close it: "</" becomes "<\/" (the same string to JavaScript). */
    static String scriptSafe(String js) {
        return js.replace("</", "<\\/").replace("<!--", "<\\!--");
    }

    private String quote(String s) {
        try {
            return json.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardPage.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
