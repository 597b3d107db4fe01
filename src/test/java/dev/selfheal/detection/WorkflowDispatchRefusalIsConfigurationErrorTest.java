package dev.selfheal.detection;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The seed's own case: dispatching a workflow without a workflow_dispatch trigger answers 422. It is a
 * configuration error: one request, never retried, recorded with the seed's fix, and the dispatch route goes on
 * to record its outcome.
 */
class WorkflowDispatchRefusalIsConfigurationErrorTest extends CoreLoopTest {

    @Autowired
    ProducerTemplate template;

    @Test
    void dispatch422IsRecordedWithTheFixAndNotRetried() {
        String path = "/repos/octo-org/octo-repo/actions/workflows/nightly.yml/dispatches";
        wm.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Workflow does not have 'workflow_dispatch' trigger\","
                        + "\"documentation_url\":\"https://docs.github.com/rest/actions/workflows\"}")));
        long before = jdbc.queryForObject("SELECT coalesce(max(id), 0) FROM phase4_events", Long.class);

        String outcome = template.requestBody("direct:scheduling-dispatch", "octo-org/octo-repo:nightly.yml@main",
                String.class);

        assertThat(outcome).isEqualTo("refused");
        wm.verify(1, postRequestedFor(urlPathEqualTo(path)).withRequestBody(equalToJson("{\"ref\":\"main\"}")));
        Map<String, Object> event = jdbc.queryForMap("SELECT repository, payload->>'status' AS status, "
                + "payload->>'category' AS category, payload->>'fix' AS fix FROM phase4_events "
                + "WHERE event_type = 'dead_letter' AND id > ? ORDER BY id LIMIT 1", before);
        assertThat(event).containsEntry("repository", "octo-org/octo-repo").containsEntry("status", "422")
                .containsEntry("category", "configuration");
        assertThat((String) event.get("fix")).contains("workflow_dispatch is on the default branch");
        assertThat(detectionLog()).anyMatch(l -> l.contains("dispatch of workflow nightly.yml (workflow file) on "
                + "octo-org/octo-repo@main refused: HTTP 422"));
    }

    /** "dispatch of 401" read like an HTTP status; 401 was the workflow id. */
    @Test
    void refusedDispatchByIdSaysItIsAWorkflowId() {
        String path = "/repos/octo-org/octo-repo/actions/workflows/401/dispatches";
        wm.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Workflow does not have 'workflow_dispatch' trigger\"}")));

        assertThat(template.requestBody("direct:scheduling-dispatch", "octo-org/octo-repo:401@main", String.class))
                .isEqualTo("refused");
        assertThat(detectionLog()).anyMatch(l -> l.contains("dispatch of workflow 401 (workflow id) on "
                + "octo-org/octo-repo@main refused: HTTP 422")).noneMatch(l -> l.contains("dispatch of 401"));
    }

    @Autowired
    dev.selfheal.reports.ReportFolders folders;

    List<String> detectionLog() {
        java.time.Instant now = folders.now();
        java.nio.file.Path log = folders.dayFolder(now, "logs").resolve("detection_log_"
                + dev.selfheal.reports.ReportFolders.compactDate(now) + ".log");
        try {
            return java.nio.file.Files.readAllLines(log);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void acceptedDispatchIsOneCall() {
        String path = "/repos/octo-org/octo-repo/actions/workflows/42/dispatches";
        wm.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(204)));

        String outcome = template.requestBody("direct:scheduling-dispatch", "octo-org/octo-repo:42@release",
                String.class);

        assertThat(outcome).isEqualTo("dispatched");
        wm.verify(1, postRequestedFor(urlPathEqualTo(path)).withRequestBody(equalToJson("{\"ref\":\"release\"}")));
    }
}
