package dev.selfheal.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * GitHub objects in GitHub's own shapes, made from the octokit/webhooks payloads shipped under
 * {@code classpath:sandbox/github-webhooks/} (MIT, see the LICENSE file there): a workflow run, a job, a page of
 * runs, a log zip. Only ids, names, results, times and URLs are changed.
 */
public final class GitHubFixtures {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FIXTURES = "sandbox/github-webhooks/";

    private GitHubFixtures() {
    }

    /** A webhook payload exactly as shipped (e.g. {@code workflow_run__completed.payload.json}). */
    public static ObjectNode payload(String name) {
        try (InputStream in = GitHubFixtures.class.getClassLoader().getResourceAsStream(FIXTURES + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + FIXTURES + name);
            }
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A completed workflow run of {@code repository} as the REST API returns it. */
    public static ObjectNode workflowRun(String apiUrl, String repository, long runId, int attempt, long workflowId,
            String workflowName, String conclusion, Instant startedAt, Instant completedAt) {
        ObjectNode run = (ObjectNode) retarget(payload("workflow_run__completed.payload.json").get("workflow_run"),
                apiUrl, repository);
        String api = apiUrl + "/repos/" + repository;
        run.put("id", runId);
        run.put("name", workflowName);
        run.put("display_title", workflowName + " on main");
        run.put("event", "push");
        run.put("head_branch", "main");
        run.put("path", ".github/workflows/" + workflowName.toLowerCase().replaceAll("[^a-z0-9]+", "-") + ".yml");
        run.put("workflow_id", workflowId);
        run.put("workflow_url", api + "/actions/workflows/" + workflowId);
        run.put("run_attempt", attempt);
        run.put("run_number", runId % 1000);
        run.put("status", conclusion == null ? "in_progress" : "completed");
        run.put("conclusion", conclusion);
        run.put("created_at", startedAt.toString());
        run.put("run_started_at", startedAt.toString());
        run.put("updated_at", (completedAt == null ? startedAt : completedAt).toString());
        run.put("url", api + "/actions/runs/" + runId);
        run.put("html_url", "https://github.com/" + repository + "/actions/runs/" + runId);
        run.put("jobs_url", api + "/actions/runs/" + runId + "/jobs");
        run.put("logs_url", api + "/actions/runs/" + runId + "/logs");
        run.put("artifacts_url", api + "/actions/runs/" + runId + "/artifacts");
        run.put("cancel_url", api + "/actions/runs/" + runId + "/cancel");
        run.put("rerun_url", api + "/actions/runs/" + runId + "/rerun");
        run.put("previous_attempt_url", attempt > 1 ? api + "/actions/runs/" + runId + "/attempts/" + (attempt - 1)
                : null);
        return run;
    }

    /** A completed job of a run, with the fixture's steps; a failed job's last step failed. */
    public static ObjectNode workflowJob(String apiUrl, String repository, long runId, int attempt, long jobId,
            String jobName, String conclusion, Instant startedAt, Instant completedAt) {
        String fixture = "failure".equals(conclusion)
                ? "workflow_job__completed.failure.with-organization.payload.json"
                : "workflow_job__completed.success.with-organization.payload.json";
        ObjectNode job = (ObjectNode) retarget(payload(fixture).get("workflow_job"), apiUrl, repository);
        job.put("id", jobId);
        job.put("run_id", runId);
        job.put("run_attempt", attempt);
        job.put("name", jobName);
        job.put("status", "completed");
        job.put("conclusion", conclusion);
        job.put("started_at", startedAt.toString());
        job.put("completed_at", completedAt.toString());
        job.put("url", apiUrl + "/repos/" + repository + "/actions/jobs/" + jobId);
        job.put("run_url", apiUrl + "/repos/" + repository + "/actions/runs/" + runId);
        job.put("html_url", "https://github.com/" + repository + "/actions/runs/" + runId + "/job/" + jobId);
        // GitHub gives a job the id of its check run
        job.put("check_run_url", apiUrl + "/repos/" + repository + "/check-runs/" + jobId);
        return job;
    }

    /**
     * A job's steps as GitHub lists them ({@code name, status, conclusion, number, started_at, completed_at}):
     * each name with its conclusion (null = never ran, as a lost runner leaves them), one second apart.
     */
    public static ArrayNode steps(Instant startedAt, String... nameThenConclusion) {
        ArrayNode steps = MAPPER.createArrayNode();
        for (int i = 0; i + 1 < nameThenConclusion.length; i += 2) {
            String conclusion = nameThenConclusion[i + 1];
            ObjectNode step = steps.addObject();
            step.put("name", nameThenConclusion[i]);
            step.put("status", conclusion == null ? "queued" : "completed");
            step.put("conclusion", conclusion);
            step.put("number", i / 2 + 1);
            step.put("started_at", conclusion == null ? null : startedAt.plusSeconds(i / 2).toString());
            step.put("completed_at", conclusion == null ? null : startedAt.plusSeconds(i / 2 + 1).toString());
        }
        return steps;
    }

    /**
     * One item of {@code GET /repos/{o}/{r}/check-runs/{id}/annotations} (the REST reference's shape: path,
     * start_line, end_line, start_column, end_column, annotation_level, title, message, raw_details, blob_href).
     * GitHub Actions puts job-level failures (a lost runner, a step's exit code) on the path {@code .github}.
     */
    public static ObjectNode checkRunAnnotation(String repository, String headSha, String level, String message) {
        ObjectNode a = MAPPER.createObjectNode();
        a.put("path", ".github");
        a.put("start_line", 1);
        a.put("end_line", 1);
        a.putNull("start_column");
        a.putNull("end_column");
        a.put("annotation_level", level);
        a.put("title", "");
        a.put("message", message);
        a.put("raw_details", "");
        a.put("blob_href", "https://github.com/" + repository + "/blob/" + headSha + "/.github");
        return a;
    }

    /** A page of check run annotations (the API answers a bare JSON array). */
    public static ArrayNode annotations(JsonNode... annotations) {
        ArrayNode list = MAPPER.createArrayNode();
        for (JsonNode a : annotations) {
            list.add(a);
        }
        return list;
    }

    /** {@code GET /repos/{o}/{r}/actions/runs} answer. */
    public static ObjectNode runsPage(JsonNode... runs) {
        ObjectNode page = MAPPER.createObjectNode();
        page.put("total_count", runs.length);
        ArrayNode list = page.putArray("workflow_runs");
        for (JsonNode run : runs) {
            list.add(run);
        }
        return page;
    }

    /** {@code GET /repos/{o}/{r}/actions/runs/{id}/jobs} answer. */
    public static ObjectNode jobsPage(JsonNode... jobs) {
        ObjectNode page = MAPPER.createObjectNode();
        page.put("total_count", jobs.length);
        ArrayNode list = page.putArray("jobs");
        for (JsonNode job : jobs) {
            list.add(job);
        }
        return page;
    }

    /**
     * A run's log archive as GitHub serves it: one {@code <n>_<job>.txt} per job at the top, each line prefixed
     * with its UTC timestamp.
     */
    public static byte[] logsZip(Map<String, String> logByJob, Instant at) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            int n = 0;
            for (Map.Entry<String, String> job : logByJob.entrySet()) {
                zip.putNextEntry(new ZipEntry(n++ + "_" + job.getKey() + ".txt"));
                StringBuilder text = new StringBuilder();
                for (String line : job.getValue().split("\n", -1)) {
                    text.append(at).append(' ').append(line).append('\n');
                }
                zip.write(text.toString().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A zip holding the given files, as an artifact download. */
    public static byte[] zip(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static String json(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture's URLs and repository names, pointed at {@code apiUrl} and {@code repository}. */
    private static JsonNode retarget(JsonNode node, String apiUrl, String repository) {
        String text = json(node)
                .replace("https://api.github.com", apiUrl)
                .replace("octo-org/octo-repo", repository);
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
