package dev.selfheal.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * POST /webhooks/github: the signature is checked before anything else; a bad or missing one is 401 and nothing
 * is stored; malformed JSON is 400; ping is answered; other events are 202 and ignored. The real octokit
 * payloads are the inputs.
 */
class WebhookRefusesBadDeliveriesTest extends CoreLoopTest {

    long runRows(long runId) {
        return jdbc.queryForObject("SELECT count(*) FROM phase4_metrics WHERE run_id = ?", Long.class, runId)
                + jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE run_id = ?", Long.class, runId);
    }

    @Test
    void wrongSignatureIs401AndNothingIsStored() {
        long runId = newRunId();
        String body = GitHubStandIn.workflowRunEvent(github.run(runId, 1, "failure"));

        HttpResponse<String> answer = github.deliver(port, "workflow_run", body,
                GitHubStandIn.sign(body, "not-the-secret"), UUID.randomUUID().toString());

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("X-Hub-Signature-256 does not match");
        assertThat(runRows(runId)).isZero();
        assertThat(github.calls()).isEmpty();
    }

    @Test
    void tamperedBodyIs401() {
        long runId = newRunId();
        String body = GitHubStandIn.workflowRunEvent(github.run(runId, 1, "failure"));
        String signature = GitHubStandIn.sign(body, GitHubStandIn.SECRET);

        HttpResponse<String> answer = github.deliver(port, "workflow_run", body.replace("\"failure\"",
                "\"success\""), signature, UUID.randomUUID().toString());

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(runRows(runId)).isZero();
    }

    @Test
    void missingSignatureIs401() {
        long runId = newRunId();
        String body = GitHubStandIn.workflowRunEvent(github.run(runId, 1, "failure"));

        HttpResponse<String> answer = github.deliver(port, "workflow_run", body, null, UUID.randomUUID().toString());

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("missing X-Hub-Signature-256");
        assertThat(runRows(runId)).isZero();
    }

    @Test
    void malformedJsonIs400NamingWhere() {
        String body = "{\"action\": \"completed\", \"workflow_run\": {\"id\": 1,}";

        HttpResponse<String> answer = github.deliver(port, "workflow_run", body,
                GitHubStandIn.sign(body, GitHubStandIn.SECRET), UUID.randomUUID().toString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("malformed JSON at line 1, column");
    }

    @Test
    void pingIsAnswered() {
        String body = GitHubFixtures.json(GitHubFixtures.payload("ping__payload.json"));

        HttpResponse<String> answer = github.deliver(port, "ping", body,
                GitHubStandIn.sign(body, GitHubStandIn.SECRET), UUID.randomUUID().toString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"pong\":true");
    }

    @Test
    void otherEventsAre202AndIgnored() {
        String body = GitHubFixtures.json(GitHubFixtures.payload("workflow_job__completed.failure.with-organization"
                + ".payload.json"));
        // runs taken in for the repositories these payloads name (other runs of the shared database may be
        // classified meanwhile, so not every event counts)
        String countOfTheirs = "SELECT count(*) FROM phase4_events WHERE repository IN (?, ?) "
                + "AND event_type = 'run_completed'";
        String jobRepo = GitHubFixtures.payload("workflow_job__completed.failure.with-organization.payload.json")
                .path("repository").path("full_name").asText();
        String dispatchRepo = GitHubFixtures.payload("workflow_dispatch__payload.json").path("repository")
                .path("full_name").asText();
        long before = jdbc.queryForObject(countOfTheirs, Long.class, jobRepo, dispatchRepo);

        HttpResponse<String> job = github.deliver(port, "workflow_job", body,
                GitHubStandIn.sign(body, GitHubStandIn.SECRET), UUID.randomUUID().toString());
        String dispatch = GitHubFixtures.json(GitHubFixtures.payload("workflow_dispatch__payload.json"));
        HttpResponse<String> other = github.deliver(port, "workflow_dispatch", dispatch,
                GitHubStandIn.sign(dispatch, GitHubStandIn.SECRET), UUID.randomUUID().toString());

        assertThat(job.statusCode()).isEqualTo(202);
        assertThat(other.statusCode()).isEqualTo(202);
        assertThat(other.body()).contains("ignored");
        assertThat(jdbc.queryForObject(countOfTheirs, Long.class, jobRepo, dispatchRepo)).isEqualTo(before);
    }

    @Test
    void requestedRunIsNotHandledUntilCompleted() {
        long runId = newRunId();
        var event = GitHubFixtures.payload("workflow_run__requested.payload.json");
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("workflow_run")).put("id", runId);
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("repository")).put("full_name",
                GitHubStandIn.REPO);
        String body = GitHubFixtures.json(event);

        HttpResponse<String> answer = github.deliver(port, "workflow_run", body,
                GitHubStandIn.sign(body, GitHubStandIn.SECRET), UUID.randomUUID().toString());

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(answer.body()).contains("ignored");
        assertThat(runRows(runId)).isZero();
    }
}
