package dev.selfheal.kpi;

import dev.selfheal.test.HeadlessChromium;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.SelfhealTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The daily copy OBSERVER_DASHBOARD.html in the day folder holds its data and ECharts (no script or style from
 * anywhere), opens from the file system in Chromium with every chart drawn, and its picture is saved in the
 * day's screenshots/.
 */
@SelfhealTest
class DailyDashboardCopyIsSelfContainedTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    KpiRollup rollup;
    @Autowired
    DashboardSnapshot snapshot;

    @Test
    void theDayFolderCopyOpensOfflineWithItsCharts() throws Exception {
        String repo = "kpi-copy/r" + System.nanoTime();
        KpiSeed seed = new KpiSeed(jdbc);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        seed.run(repo, "nightly", now.minusSeconds(30), 2, "success", "timeout", 1, now, false, 400);
        seed.run(repo, "nightly", now.minusSeconds(20), 1, "failure", "unknown", 0, null, true, 500);
        jdbc.update("INSERT INTO phase4_withheld_writes (withheld_by, method, path, decision, route, repository) "
                + "VALUES ('observe', 'POST', '/repos/' || ? || '/actions/runs/1/rerun-failed-jobs', 'would re-run', "
                + "'retry-dispatch', ?)", repo, repo);
        rollup.refresh();

        Path html = snapshot.writeDaily();
        assertThat(html.getFileName().toString()).isEqualTo("OBSERVER_DASHBOARD.html");
        String page = Files.readString(html);
        assertThat(page).contains("window.DASHBOARD_DATA = {", repo).doesNotContain("<script src=")
                .doesNotContain("/dashboard/data.json'").doesNotContain("<link");
        Path png = html.resolveSibling("screenshots").resolve(DashboardSnapshot.PNG);
        assertThat(png).exists();
        assertThat(Files.readAllBytes(png)).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.createDirectories(HeadlessChromium.SCREENSHOTS);
        Files.copy(png, HeadlessChromium.SCREENSHOTS.resolve("daily-copy.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        try (HeadlessChromium chromium = new HeadlessChromium()) {
            chromium.driver.get(html.toUri().toString());
            chromium.awaitRendered();
            Map<String, Map<String, Object>> charts = chromium.charts();
            assertThat(charts).hasSize(6);
            charts.forEach((id, c) -> assertThat(((Number) c.get("points")).intValue()).as(id).isPositive());
            assertThat(String.join("\n", chromium.texts("#runs tr"))).contains(repo);
        }
    }
}
