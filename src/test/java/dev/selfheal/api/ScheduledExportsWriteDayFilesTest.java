package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.test.SelfhealTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The daily and weekly exports are Quartz routes (api-export-daily, api-export-weekly) writing CSV and JSON of
 * each table into the day folder's exports/, with the day log saying how many rows each holds.
 */
@SelfhealTest
class ScheduledExportsWriteDayFilesTest {

    @Autowired
    ApiExports exports;

    @Autowired
    ReportFolders folders;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    CamelContext camel;

    @Test
    void todaysRowsLandInTheDayFolder() throws Exception {
        assertThat(camel.getRoute("api-export-daily")).isNotNull();
        assertThat(camel.getRoute("api-export-weekly")).isNotNull();
        String repo = "scheduled/r" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.update("INSERT INTO phase4_metrics (run_id, repository, workflow_name, conclusion) VALUES (?, ?, '@evil', 'failure')",
                Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L), repo);
        LocalDate today = ReportFolders.jstDate(Instant.now());

        exports.export("daily", today, today.plusDays(1), today);

        Path dir = folders.dayFolder(today.atStartOfDay(ReportFolders.JST).toInstant(), "exports");
        String stamp = today.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        Path csv = dir.resolve("runs_daily_" + stamp + ".csv");
        Path json = dir.resolve("runs_daily_" + stamp + ".json");
        assertThat(csv).exists();
        assertThat(Files.readString(csv)).contains(repo + ",").contains(",'@evil,");
        JsonNode rows = new ObjectMapper().readTree(json.toFile());
        assertThat(rows.findValuesAsText("repository")).contains(repo);
        for (String table : new String[] {"retry_history", "events", "notifications", "audit_tickets"}) {
            assertThat(dir.resolve(table + "_daily_" + stamp + ".csv")).exists();
            assertThat(dir.resolve(table + "_daily_" + stamp + ".json")).exists();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        Path log = folders.dayFolder(Instant.now(), "logs").resolve("api_log_" + ReportFolders.compactDate(Instant.now())
                + ".log");
        assertThat(Files.readString(log)).contains("daily export runs_daily_" + stamp + ".csv: ");
    }
}
