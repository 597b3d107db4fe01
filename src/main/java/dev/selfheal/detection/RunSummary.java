package dev.selfheal.detection;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of a GitHub workflow run (REST or webhook shape) that Selfheal uses. {@code queuedSeconds}: from
 * GitHub's {@code created_at} to {@code run_started_at}, for a first attempt only (a re-run's created_at is the
 * original run's, so its difference would count the earlier attempts too).
 */
public record RunSummary(String repository, long runId, int attempt, Long workflowId, String workflowName,
        String status, String conclusion, String htmlUrl, String actor, String event, String headBranch,
        String headSha, Instant startedAt, Instant completedAt, Integer runNumber, Integer queuedSeconds) {

    public RunSummary(String repository, long runId, int attempt, Long workflowId, String workflowName,
            String status, String conclusion, String htmlUrl, String actor, String event, String headBranch,
            String headSha, Instant startedAt, Instant completedAt, Integer runNumber) {
        this(repository, runId, attempt, workflowId, workflowName, status, conclusion, htmlUrl, actor, event,
                headBranch, headSha, startedAt, completedAt, runNumber, null);
    }

    /** Reads a {@code workflow_run} object; {@code repository} is used when the object does not name one. */
    public static RunSummary from(JsonNode run, String repository) {
        if (run == null || !run.hasNonNull("id")) {
            throw new IllegalArgumentException("not a workflow run: no id");
        }
        String repo = run.path("repository").path("full_name").asText(null);
        Instant started = instant(run, "run_started_at");
        Instant created = instant(run, "created_at");
        int attempt = run.path("run_attempt").asInt(1);
        Integer queued = started != null && created != null && attempt == 1 && !started.isBefore(created)
                ? (int) Math.min(Integer.MAX_VALUE, Duration.between(created, started).toSeconds()) : null;
        if (started == null) {
            started = created;
        }
        return new RunSummary(repo != null ? repo : repository, run.get("id").asLong(),
                attempt,
                run.hasNonNull("workflow_id") ? run.get("workflow_id").asLong() : null,
                run.path("name").asText(null), run.path("status").asText(null),
                run.path("conclusion").asText(null), run.path("html_url").asText(null),
                run.path("actor").path("login").asText(null), run.path("event").asText(null),
                run.path("head_branch").asText(null), run.path("head_sha").asText(null),
                started, instant(run, "updated_at"),
                run.path("run_number").canConvertToInt() && run.hasNonNull("run_number")
                        ? run.get("run_number").asInt() : null, queued);
    }

    /** Reads back the common fields of an outbox payload ({@link #payload()}). */
    public static RunSummary fromPayload(JsonNode p) {
        return new RunSummary(p.path("repository").asText(null), p.path("runId").asLong(),
                p.path("runAttempt").asInt(1), p.hasNonNull("workflowId") ? p.get("workflowId").asLong() : null,
                p.path("workflowName").asText(null), "completed", p.path("conclusion").asText(null),
                p.path("htmlUrl").asText(null), p.path("actor").asText(null), p.path("event").asText(null),
                p.path("headBranch").asText(null), p.path("headSha").asText(null), instant(p, "startedAt"),
                instant(p, "completedAt"), p.hasNonNull("runNumber") ? p.get("runNumber").asInt() : null);
    }

    private static Instant instant(JsonNode node, String field) {
        String text = node.path(field).asText(null);
        return text == null || text.isEmpty() ? null : Instant.parse(text);
    }

    public boolean completed() {
        return "completed".equals(status);
    }

    public boolean succeeded() {
        return "success".equals(conclusion);
    }

    /** failure, timed_out, startup_failure: a result that may deserve a re-run (cancelled and skipped do not). */
    public boolean failed() {
        return "failure".equals(conclusion) || "timed_out".equals(conclusion)
                || "startup_failure".equals(conclusion);
    }

    public Integer durationSeconds() {
        return startedAt == null || completedAt == null ? null
                : (int) Duration.between(startedAt, completedAt).toSeconds();
    }

    /** "owner/repo#id#attempt": one handling per attempt of a run, whoever saw it. */
    public String key() {
        return repository + "#" + runId + "#" + attempt;
    }

    /** The outbox payload's common run fields (PHASE4_DESIGN.md, "Events"). */
    public Map<String, Object> payload() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("repository", repository);
        p.put("runId", runId);
        p.put("runAttempt", attempt);
        p.put("runNumber", runNumber);
        p.put("workflowId", workflowId);
        p.put("workflowName", workflowName);
        p.put("htmlUrl", htmlUrl);
        p.put("actor", actor);
        p.put("conclusion", conclusion);
        p.put("event", event);
        p.put("headBranch", headBranch);
        p.put("headSha", headSha);
        p.put("startedAt", startedAt == null ? null : startedAt.toString());
        p.put("completedAt", completedAt == null ? null : completedAt.toString());
        p.put("durationSeconds", durationSeconds());
        return p;
    }
}
