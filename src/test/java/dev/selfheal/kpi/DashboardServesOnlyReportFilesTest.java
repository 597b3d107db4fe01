package dev.selfheal.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.reports.ReportFolders;
import dev.selfheal.test.ManagementLogin;
import dev.selfheal.test.SelfhealTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard is on the management port only, and its links to evidence serve files of the reports root and
 * nothing else: no way out with "..", none through a linked folder.
 */
@SelfhealTest
class DashboardServesOnlyReportFilesTest {

    @Autowired
    ReportFolders folders;
    @LocalManagementPort
    int managementPort;
    @LocalServerPort
    int publicPort;

    @Test
    void reportFilesOnlyAndOnlyOnTheManagementPort() throws Exception {
        Path day = folders.dayFolder(folders.now(), "audit_tickets");
        Files.writeString(day.resolve("ticket_kpi.md"), "# ticket for the dashboard\n");
        Path outside = Files.createTempDirectory("selfheal-outside");
        Files.writeString(outside.resolve("secret.txt"), "not a report\n");
        Files.createSymbolicLink(folders.root().resolve("linked"), outside);
        String dayName = day.getParent().getFileName().toString();

        HttpResponse<String> ticket = ManagementLogin.get(managementPort,
                "/dashboard/reports/" + dayName + "/audit_tickets/ticket_kpi.md");
        assertThat(ticket.statusCode()).isEqualTo(200);
        assertThat(ticket.body()).isEqualTo("# ticket for the dashboard\n");
        assertThat(ManagementLogin.get(managementPort, "/dashboard/reports/" + dayName + "/audit_tickets/").body())
                .contains("ticket_kpi.md");

        assertThat(ManagementLogin.get(managementPort, "/dashboard/reports/linked/secret.txt").statusCode())
                .isEqualTo(404);
        assertThat(ManagementLogin.get(managementPort, "/dashboard/reports/%2e%2e/%2e%2e/etc/hostname").statusCode())
                .isIn(400, 404);
        assertThat(ManagementLogin.get(managementPort, "/dashboard/reports/" + dayName + "/..%2f..%2f..%2fetc%2fhostname")
                .statusCode()).isIn(400, 404);

        HttpResponse<String> publicDashboard = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + publicPort + "/dashboard")).header("Authorization",
                ManagementLogin.basic(ManagementLogin.ADMIN)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(publicDashboard.statusCode()).isIn(403, 404);
        assertThat(publicDashboard.body()).doesNotContain("Selfheal Observer");
    }
}
