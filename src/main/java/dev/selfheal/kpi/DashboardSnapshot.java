package dev.selfheal.kpi;

import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.reports.ReportLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The daily offline copy of the dashboard: {@code <day>/OBSERVER_DASHBOARD.html} with ECharts and the data
 * inlined (an auditor opens it without the service or a network), and a picture of it,
 * {@code <day>/screenshots/OBSERVER_DASHBOARD.png}, taken by headless Chromium when the machine has it
 * ({@code selfheal.kpi.chromium}; without it the picture is skipped and the day log says so).
 */
@Component
public class DashboardSnapshot {

    public static final String HTML = "OBSERVER_DASHBOARD.html";
    public static final String PNG = "OBSERVER_DASHBOARD.png";

    private final DashboardData data;
    private final DashboardPage page;
    private final ReportFolders folders;
    private final ReportLog reportLog;
    private final Path chromium;

    public DashboardSnapshot(DashboardData data, DashboardPage page, ReportFolders folders, ReportLog reportLog,
            @Value("${selfheal.kpi.chromium:/usr/bin/chromium}") Path chromium) {
        this.data = data;
        this.page = page;
        this.folders = folders;
        this.reportLog = reportLog;
        this.chromium = chromium;
    }

    /** Writes today's copy (and its picture); the HTML file's path. */
    public Path writeDaily() throws IOException {
        Instant now = folders.now();
        Path day = folders.dayFolder(now);
        Map<String, Object> snapshot = data.build(null, null);
        // links lead from the day folder to the reports root
        Path html = day.resolve(HTML);
        AtomicFiles.write(html, page.selfContained(snapshot, "../").getBytes(StandardCharsets.UTF_8));
        String picture = screenshot(html, folders.dayFolder(now, "screenshots").resolve(PNG));
        reportLog.append("kpi", "Observer dashboard saved: " + day.getFileName() + "/" + HTML + ", " + picture);
        return html;
    }

    private String screenshot(Path html, Path png) {
        if (!Files.isExecutable(chromium)) {
            return "no picture (" + chromium + " not found; install Debian's chromium)";
        }
        Path profile = null;
        try {
            profile = Files.createTempDirectory("selfheal-chromium");
            Path tmp = png.resolveSibling("." + PNG + ".tmp.png");
            List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    "--user-data-dir=" + profile, "--window-size=1400,2400", "--virtual-time-budget=10000",
                    "--screenshot=" + tmp, html.toUri().toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "no picture (chromium did not finish within 90 s)";
            }
            if (p.exitValue() != 0 || !Files.exists(tmp)) {
                return "no picture (chromium exited with " + p.exitValue() + ")";
            }
            Files.move(tmp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return "screenshots/" + PNG;
        } catch (IOException e) {
            return "no picture (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no picture (interrupted)";
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary profile left behind is harmless
        }
    }
}
