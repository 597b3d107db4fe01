package dev.selfheal.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.reports.ReportFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * With several instances and no shared data dir, an event's audit ticket can be on another instance's disk. The
 * notification still completes: Slack and the issue are sent once and the ticket's links are kept in the
 * database, instead of failing on the missing file and being retried forever.
 */
class TicketOnAnotherInstancesDiskDoesNotBlockTest extends NotificationTest {

    @Autowired
    CamelContext camel;
    @Autowired
    ReportFolders folders;

    @Test
    void theNotificationCompletesAndTheLinksAreInTheDatabase() throws Exception {
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        issuesAnswer("[]");
        createdIssue(81);
        String repo = uniqueRepository("otherdisk");
        long run = runId();

        camel.getRouteController().stopRoute("notification-poll");
        long event;
        try {
            event = outbox.record("final_failure", repo, run, 3, finalFailure(repo, run, "deterministic", "boom"));
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT count(*) FROM "
                    + "phase4_audit_tickets WHERE event_id = ?", Long.class, event) == 1);
            Map<String, Object> ticket = jdbc.queryForMap("SELECT json_path, md_path FROM phase4_audit_tickets "
                    + "WHERE event_id = ?", event);
            // the ticket was written by "the other instance": not on this disk
            for (String column : new String[] {"json_path", "md_path"}) {
                Path file = folders.root().resolve((String) ticket.get(column));
                Files.move(file, file.resolveSibling(file.getFileName() + ".elsewhere"));
            }
        } finally {
            camel.getRouteController().startRoute("notification-poll");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStatus(event), "done"::equals);
        slack.verify(1, postRequestedFor(urlPathEqualTo(SLACK_PATH)).withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing(repo)));
        Map<String, Object> links = jdbc.queryForMap("SELECT slack_link, issue_link FROM phase4_audit_tickets "
                + "WHERE event_id = ?", event);
        assertThat((String) links.get("slack_link")).startsWith("sent ");
        assertThat((String) links.get("issue_link")).endsWith("/issues/81");
    }
}
