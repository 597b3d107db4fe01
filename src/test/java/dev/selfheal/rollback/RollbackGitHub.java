package dev.selfheal.rollback;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.selfheal.sandbox.GitHubFixtures;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * GitHub's side of a rollback, as its REST API answers (shapes from docs.github.com/rest/actions): one workflow
 * that turns {@code disabled_manually} once disabled, its last successful run, queued and in-progress runs, and
 * the repository's secrets (names only, as GitHub lists them).
 */
final class RollbackGitHub {

    static final String REPO = "octo-org/octo-repo";
    static final String SHA = "d6fde92930d4715a2b49857d24b940956b26d2d3";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final WireMockExtension wm;
    final long workflowId;
    final String file;
    final String base;

    RollbackGitHub(WireMockExtension wm, long workflowId) {
        this.wm = wm;
        this.workflowId = workflowId;
        this.file = "deploy-" + workflowId + ".yml";
        this.base = "/repos/" + REPO + "/actions";
    }

    String workflowPath() {
        return base + "/workflows/" + workflowId;
    }

    ObjectNode workflow(String state) {
        ObjectNode w = MAPPER.createObjectNode();
        w.put("id", workflowId);
        w.put("node_id", "W_kwDOABCDEF4AB" + workflowId);
        w.put("name", "Deploy");
        w.put("path", ".github/workflows/" + file);
        w.put("state", state);
        w.put("created_at", "2025-01-08T23:48:37.000-08:00");
        w.put("updated_at", "2025-11-08T23:50:21.000-08:00");
        w.put("url", wm.baseUrl() + workflowPath());
        w.put("html_url", "https://github.com/" + REPO + "/blob/main/.github/workflows/" + file);
        w.put("badge_url", "https://github.com/" + REPO + "/workflows/Deploy/badge.svg");
        return w;
    }

    /** The workflow (by id and by file name): active until a PUT .../disable, then disabled_manually. */
    RollbackGitHub stubWorkflow() {
        String scenario = "workflow-" + workflowId;
        for (String path : List.of(workflowPath(), base + "/workflows/" + file)) {
            wm.stubFor(get(urlPathEqualTo(path)).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(okJson(workflow("active").toString())));
            wm.stubFor(get(urlPathEqualTo(path)).inScenario(scenario).whenScenarioStateIs("disabled")
                    .willReturn(okJson(workflow("disabled_manually").toString())));
        }
        wm.stubFor(put(urlPathEqualTo(workflowPath() + "/disable")).inScenario(scenario)
                .willSetStateTo("disabled").willReturn(aResponse().withStatus(204)));
        return this;
    }

    ObjectNode run(long runId, String status, String conclusion) {
        ObjectNode run = GitHubFixtures.workflowRun(wm.baseUrl(), REPO, runId, 1, workflowId, "Deploy", conclusion,
                Instant.parse("2025-11-14T01:00:00Z"), conclusion == null ? null : Instant.parse("2025-11-14T01:05:00Z"));
        run.put("status", status);
        run.put("head_sha", SHA);
        run.put("path", ".github/workflows/" + file);
        return run;
    }

    /** Last success, runs waiting and running (each list as GET .../workflows/{id}/runs?status= answers). */
    RollbackGitHub stubRuns(long healthyRunId, List<Long> queued, List<Long> inProgress) {
        wm.stubFor(get(urlPathEqualTo(workflowPath() + "/runs")).withQueryParam("status", equalTo("success"))
                .willReturn(okJson(GitHubFixtures.runsPage(run(healthyRunId, "completed", "success")).toString())));
        wm.stubFor(get(urlPathEqualTo(workflowPath() + "/runs")).withQueryParam("status", equalTo("queued"))
                .willReturn(okJson(GitHubFixtures.runsPage(queued.stream().map(id -> run(id, "queued", null))
                        .toArray(ObjectNode[]::new)).toString())));
        wm.stubFor(get(urlPathEqualTo(workflowPath() + "/runs")).withQueryParam("status", equalTo("in_progress"))
                .willReturn(okJson(GitHubFixtures.runsPage(inProgress.stream().map(id -> run(id, "in_progress", null))
                        .toArray(ObjectNode[]::new)).toString())));
        for (long id : queued) {
            stubCancel(id);
        }
        for (long id : inProgress) {
            stubCancel(id);
        }
        return this;
    }

    void stubCancel(long runId) {
        wm.stubFor(post(urlPathEqualTo(base + "/runs/" + runId + "/cancel"))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json").withBody("{}")));
    }

    /** GET .../actions/secrets: names and dates only (GitHub never returns a value); DELETE answers 204. */
    RollbackGitHub stubSecrets(String... names) {
        ObjectNode page = MAPPER.createObjectNode();
        page.put("total_count", names.length);
        ArrayNode list = page.putArray("secrets");
        for (String name : names) {
            list.addObject().put("name", name).put("created_at", "2025-08-10T14:59:22Z")
                    .put("updated_at", "2025-10-10T14:59:22Z");
            wm.stubFor(delete(urlPathEqualTo(base + "/secrets/" + name)).willReturn(aResponse().withStatus(204)));
        }
        wm.stubFor(get(urlPathEqualTo(base + "/secrets")).willReturn(okJson(page.toString())));
        return this;
    }

    /**
     * "METHOD path[?query]" of every request to this repository's Actions API, in order; re-run requests are left
     * out (a rollback never re-runs: those are the retry engine's, for runs other test classes left due).
     */
    List<String> calls() {
        // the journal lists the newest first
        List<String> calls = new java.util.ArrayList<>(wm.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> URI.create(r.getUrl()).getPath().startsWith(base))
                .filter(r -> !URI.create(r.getUrl()).getPath().endsWith("/rerun-failed-jobs"))
                .map(r -> r.getMethod() + " " + r.getUrl()).toList());
        java.util.Collections.reverse(calls);
        return calls;
    }
}
