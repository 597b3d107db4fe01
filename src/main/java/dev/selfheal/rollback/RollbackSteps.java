package dev.selfheal.rollback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.github.GitHubApi;
import dev.selfheal.github.GitHubDeadLetter;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.routes.ExchangeProperties;
import dev.selfheal.sanitize.Sanitizer;
import dev.selfheal.snapshots.SnapshotWatch;
import dev.selfheal.snapshots.Snapshots;
import java.io.IOException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The steps of routes/rollback.yaml, in the order of docs/ops/ROLLBACK_PROTOCOL.md. Each step that talks to
 * GitHub is three route steps:
 * {@code prepare*} names the call (exchange properties of direct:github-call) and records it on the rollback as
 * planned; the route sends it only when acting (GETs are always sent: reading changes nothing); {@code answered}
 * (or a step's own reader) records GitHub's answer. A refusal (422/403/404) was dead-lettered by github-call with
 * its fix; it is recorded on its step and the next steps still run.
 */
@Component("rollbackSteps")
public class RollbackSteps {

    /** The {@link Rollback} under way. */
    public static final String ROLLBACK = "rollback";
    /** The {@link RollbackStep} whose call is under way. */
    public static final String STEP = "rollbackStep";
    static final int PER_PAGE = 100;

    private final RollbackProperties properties;
    private final ObjectMapper mapper;
    private final JdbcTemplate jdbc;
    private final Outbox outbox;
    private final ReportLog reportLog;
    private final RollbackReport report;
    private final Sanitizer sanitizer;
    private final Snapshots snapshots;

    public RollbackSteps(RollbackProperties properties, ObjectMapper mapper, JdbcTemplate jdbc, Outbox outbox,
            ReportLog reportLog, RollbackReport report, Sanitizer sanitizer, SnapshotWatch snapshotWatch) {
        this.properties = properties;
        this.mapper = mapper;
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.reportLog = reportLog;
        this.report = report;
        this.sanitizer = sanitizer;
        this.snapshots = snapshotWatch.snapshots();
    }

    /** First step: the request (body) becomes the rollback under way, in the configured mode. */
    public void begin(Exchange exchange) {
        RollbackRequest request = exchange.getMessage().getBody(RollbackRequest.class);
        Rollback rollback = new Rollback(request, properties.acting(), report.now());
        exchange.setProperty(ROLLBACK, rollback);
        exchange.setProperty(ExchangeProperties.REPOSITORY, request.repository());
        reportLog.append("rollback", "rollback of " + request.repository() + " workflow " + request.workflow()
                + " requested by " + request.actor() + " (" + request.trigger() + "), mode " + rollback.mode()
                + ": " + request.reason());
    }

    /** Route predicate: changes are sent only in mode act. */
    public boolean acting(@ExchangeProperty(ROLLBACK) Rollback rollback) {
        return rollback.acting();
    }

    // --- identify the target workflow ---------------------------------------------------------------------

    public void prepareIdentify(Exchange exchange, @ExchangeProperty(ROLLBACK) Rollback rollback) {
        call(exchange, rollback, "identify target workflow", "GET", base(rollback) + "/workflows/"
                + rollback.request().workflow(), null);
    }

    public void identified(Exchange exchange, @ExchangeProperty(STEP) RollbackStep step,
            @ExchangeProperty(ROLLBACK) Rollback rollback) throws JsonProcessingException {
        JsonNode workflow = answer(exchange, step);
        if (workflow == null) {
            return;
        }
        rollback.workflowId = workflow.path("id").isNumber() ? workflow.path("id").asLong() : null;
        rollback.workflowName = text(workflow, "name");
        rollback.workflowPath = text(workflow, "path");
        rollback.stateBefore = text(workflow, "state");
        step.end("read", status(exchange), "workflow '" + rollback.workflowName + "' id " + rollback.workflowId
                + ", file " + rollback.workflowPath + ", state " + rollback.stateBefore);
    }

    // --- its last healthy state ---------------------------------------------------------------------------

    public void prepareLastHealthy(Exchange exchange, @ExchangeProperty(ROLLBACK) Rollback rollback) {
        call(exchange, rollback, "find last healthy state", "GET", base(rollback) + "/workflows/"
                + rollback.workflowRef() + "/runs", "status=success&per_page=1");
    }

    public void lastHealthyFound(Exchange exchange, @ExchangeProperty(STEP) RollbackStep step,
            @ExchangeProperty(ROLLBACK) Rollback rollback) throws JsonProcessingException {
        JsonNode page = answer(exchange, step);
        if (page == null) {
            return;
        }
        JsonNode run = page.path("workflow_runs").path(0);
        if (run.isMissingNode()) {
            step.end("read", status(exchange), "no successful run of this workflow on GitHub: no healthy state known");
            return;
        }
        rollback.healthyRunId = run.path("id").asLong();
        rollback.healthySha = text(run, "head_sha");
        rollback.healthyBranch = text(run, "head_branch");
        if (rollback.workflowPath == null) {
            rollback.workflowPath = text(run, "path");
        }
        step.end("read", status(exchange), "last successful run " + rollback.healthyRunId + " (#"
                + run.path("run_number").asText("?") + ") on " + rollback.healthyBranch + " at " + rollback.healthySha
                + ": workflow file " + rollback.workflowPath + "@" + rollback.healthySha);
    }

    // --- disable the workflow -----------------------------------------------------------------------------

    public void prepareDisable(Exchange exchange, @ExchangeProperty(ROLLBACK) Rollback rollback) {
        call(exchange, rollback, "disable workflow", "PUT", base(rollback) + "/workflows/" + rollback.workflowRef()
                + "/disable", null);
    }

    // --- cancel its queued and in-progress runs -----------------------------------------------------------

    public void prepareQueuedRuns(Exchange exchange, @ExchangeProperty(ROLLBACK) Rollback rollback) {
        call(exchange, rollback, "list queued runs", "GET", base(rollback) + "/workflows/" + rollback.workflowRef()
                + "/runs", "status=queued&per_page=" + PER_PAGE);
    }

    public void prepareInProgressRuns(Exchange exchange, @ExchangeProperty(ROLLBACK) Rollback rollback) {
        call(exchange, rollback, "list in-progress runs", "GET", base(rollback) + "/workflows/"
                + rollback.workflowRef() + "/runs", "status=in_progress&per_page=" + PER_PAGE);
    }

    public void runsListed(Exchange exchange, @ExchangeProperty(STEP) RollbackStep step,
            @ExchangeProperty(ROLLBACK) Rollback rollback) throws JsonProcessingException {
        JsonNode page = answer(exchange, step);
        if (page == null) {
            return;
        }
        List<Long> found = new java.util.ArrayList<>();
        page.path("workflow_runs").forEach(r -> found.add(r.path("id").asLong()));
        found.stream().filter(id -> !rollback.runsToCancel().contains(id)).forEach(rollback.runsToCancel()::add);
        step.end("read", status(exchange), found.isEmpty() ? "none" : found.size() + " run(s): " + found);
    }

    /** Split source: the runs to cancel, in the order found. */
    public List<Long> runsToCancel(@ExchangeProperty(ROLLBACK) Rollback rollback) {
        return List.copyOf(rollback.runsToCancel());
    }

    public void prepareCancel(Exchange exchange, @ExchangeProperty(ROLLBACK) Rollback rollback) {
        long runId = exchange.getMessage().getBody(Long.class);
        exchange.setProperty(ExchangeProperties.RUN_ID, runId);
        call(exchange, rollback, "cancel run " + runId, "POST", base(rollback) + "/runs/" + runId + "/cancel", null);
    }

    // --- remove named secrets (allow-list only) -----------------------------------------------------------

    /** Route predicate: secrets are touched only when the configuration names some. */
    public boolean secretsAllowed() {
        return !properties.removableSecrets().isEmpty();
    }

    public void secretsOff(@ExchangeProperty(ROLLBACK) Rollback rollback) {
        rollback.add("remove secrets", "-", "skipped",
                "selfheal.rollback.removable-secrets is empty: no secret is ever removed");
    }

    public void prepareSecrets(Exchange exchange, @ExchangeProperty(ROLLBACK) Rollback rollback) {
        call(exchange, rollback, "list repository secrets", "GET", base(rollback) + "/secrets",
                "per_page=" + PER_PAGE);
    }

    public void secretsListed(Exchange exchange, @ExchangeProperty(STEP) RollbackStep step,
            @ExchangeProperty(ROLLBACK) Rollback rollback) throws JsonProcessingException {
        JsonNode page = answer(exchange, step);
        if (page == null) {
            return;
        }
        for (JsonNode s : page.path("secrets")) {
            String name = s.path("name").asText();
            // GitHub upper-cases secret names; the allow-list is compared the same way
            boolean allowed = properties.removableSecrets().stream().anyMatch(a -> a.equalsIgnoreCase(name));
            (allowed ? rollback.secretsToRemove() : rollback.secretsKept()).add(name);
        }
        step.end("read", status(exchange), "to remove (allow-listed): " + rollback.secretsToRemove()
                + "; kept (not allow-listed): " + rollback.secretsKept().size());
    }

    /** Split source: the secrets present on GitHub and on the allow-list. */
    public List<String> secretsToRemove(@ExchangeProperty(ROLLBACK) Rollback rollback) {
        return List.copyOf(rollback.secretsToRemove());
    }

    public void prepareRemoveSecret(Exchange exchange, @ExchangeProperty(ROLLBACK) Rollback rollback) {
        String name = exchange.getMessage().getBody(String.class);
        call(exchange, rollback, "remove secret " + name, "DELETE", base(rollback) + "/secrets/" + name, null);
    }

    // --- restore Selfheal's own config and routes ---------------------------------------------------------

    /** Route predicate: the request named a snapshot. */
    public boolean restoreAsked(@ExchangeProperty(ROLLBACK) Rollback rollback) {
        String id = rollback.request().snapshotId();
        return id != null && !id.isBlank();
    }

    public void restoreNotAsked(@ExchangeProperty(ROLLBACK) Rollback rollback) {
        rollback.add("restore config and routes", "-", "skipped", "no snapshot named in the request");
    }

    /** Writes the snapshot back (act) or lists what it would write (dry run); routes go through the reload. */
    public void restoreSnapshot(@ExchangeProperty(ROLLBACK) Rollback rollback) {
        String id = rollback.request().snapshotId();
        RollbackStep step = rollback.add("restore config and routes", "restore snapshot " + id, "planned", null);
        try {
            Snapshots.Restore r = snapshots.restore(id, rollback.acting());
            String files = r.written().isEmpty() ? "no file differs" : "files " + r.written();
            if (rollback.acting()) {
                step.end("done", null, "snapshot " + r.id() + " restored: " + files + " (state before kept as snapshot "
                        + r.safetySnapshotId() + "); routes are reloaded by the validating reload, config files "
                        + "take effect at the next start");
            } else {
                step.end("planned", null, "dry run: would restore snapshot " + r.id() + ": " + files);
            }
        } catch (IOException | RuntimeException e) {
            step.end("failed", null, "snapshot " + id + " not restored: " + e.getMessage());
        }
    }

    // --- verify -------------------------------------------------------------------------------------------

    public void prepareVerify(Exchange exchange, @ExchangeProperty(ROLLBACK) Rollback rollback) {
        call(exchange, rollback, "verify workflow state", "GET", base(rollback) + "/workflows/"
                + rollback.workflowRef(), null);
    }

    public void verified(Exchange exchange, @ExchangeProperty(STEP) RollbackStep step,
            @ExchangeProperty(ROLLBACK) Rollback rollback) throws JsonProcessingException {
        JsonNode workflow = answer(exchange, step);
        if (workflow == null) {
            rollback.verified = rollback.acting() ? false : null;
            return;
        }
        rollback.stateAfter = text(workflow, "state");
        if (rollback.acting()) {
            rollback.verified = "disabled_manually".equals(rollback.stateAfter);
            step.end("read", status(exchange), "state " + rollback.stateAfter + (rollback.verified
                    ? ": disabled as intended" : ": NOT disabled (expected disabled_manually)"));
        } else {
            step.end("read", status(exchange), "state " + rollback.stateAfter + " (dry run: left as it was)");
        }
    }

    // --- a GitHub call the route did not send (dry run) and the answer of one it sent ---------------------

    public void notSent(@ExchangeProperty(STEP) RollbackStep step) {
        step.end("planned", null, "dry run: not sent");
    }

    /** The answer of a write: done, or refused (dead letter, with its fix). */
    public void answered(Exchange exchange, @ExchangeProperty(STEP) RollbackStep step) {
        if (answer(exchange, step) != null) {
            step.end("done", status(exchange), "GitHub answered " + status(exchange));
        }
    }

    // --- record, notify, report ---------------------------------------------------------------------------

    public void record(@ExchangeProperty(ROLLBACK) Rollback rollback) throws JsonProcessingException {
        rollback.finishedAt = report.now();
        RollbackRequest r = rollback.request();
        String steps = mapper.writeValueAsString(sanitizer.sanitize(mapper.valueToTree(
                rollback.steps().stream().map(RollbackStep::toMap).toList())));
        rollback.logId = jdbc.queryForObject("""
                INSERT INTO phase4_rollback_log (requested_at, finished_at, repository, workflow, workflow_id,
                       workflow_path, mode, trigger, actor, reason, healthy_run_id, healthy_sha, snapshot_id, verified,
                       outcome, steps)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb)) RETURNING id""", Long.class,
                Timestamp.from(rollback.startedAt()), Timestamp.from(rollback.finishedAt), r.repository(),
                sanitizer.sanitize(r.workflow()), rollback.workflowId, sanitizer.sanitize(rollback.workflowPath),
                rollback.mode(), r.trigger(), sanitizer.sanitize(r.actor()), sanitizer.sanitize(r.reason()),
                rollback.healthyRunId, rollback.healthySha, r.snapshotId(), rollback.verified, rollback.outcome(),
                steps);
        // one line per change made, planned or refused (reads are in the record and the report)
        for (RollbackStep s : rollback.steps()) {
            if (!"read".equals(s.status())) {
                reportLog.append("rollback", "rollback #" + rollback.logId + " " + s.name() + ": " + s.status()
                        + (s.call().equals("-") ? "" : " (" + s.call() + ")") + (s.detail() == null ? "" : ": "
                        + s.detail()));
            }
        }
        reportLog.append("rollback", rollback.summary());
    }

    /** The rollback event: notification (Slack, issue) and audit take it from the outbox. */
    public void notifyRollback(@ExchangeProperty(ROLLBACK) Rollback rollback) {
        Map<String, Object> payload = rollback.toMap();
        payload.put("risk", "high");
        payload.put("detectionEventId", rollback.request().detectionEventId());
        rollback.eventId = outbox.record("rollback", rollback.request().repository(), null, null, payload);
        jdbc.update("UPDATE phase4_rollback_log SET event_id = ? WHERE id = ?", rollback.eventId, rollback.logId);
    }

    public void writeReport(@ExchangeProperty(ROLLBACK) Rollback rollback) throws IOException {
        rollback.reportFile = report.write(rollback).toString();
        jdbc.update("UPDATE phase4_rollback_log SET report_file = ? WHERE id = ?", rollback.reportFile, rollback.logId);
    }

    // --- helpers ------------------------------------------------------------------------------------------

    private static String base(Rollback rollback) {
        return "/repos/" + rollback.request().repository() + "/actions";
    }

    /** Names the call on the exchange (direct:github-call) and records it as a step. */
    private void call(Exchange exchange, Rollback rollback, String name, String method, String path, String query) {
        exchange.setProperty(GitHubApi.METHOD, method);
        exchange.setProperty(GitHubApi.PATH, path);
        exchange.setProperty(GitHubApi.QUERY, query);
        exchange.removeProperty(GitHubDeadLetter.FAILURE);
        exchange.getMessage().setBody(method.equals("GET") || method.equals("DELETE") ? null : Map.of());
        String shown = method + " " + path + (query == null ? "" : "?" + query);
        boolean write = !method.equals("GET");
        exchange.setProperty(STEP, rollback.add(name, shown, write && !rollback.acting() ? "planned" : "sent", null));
    }

    /** GitHub's answer as JSON (an empty object for 202/204), or null after a refusal recorded on the step. */
    private JsonNode answer(Exchange exchange, RollbackStep step) {
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = exchange.getProperty(GitHubDeadLetter.FAILURE, Map.class);
        if (failure != null) {
            step.refused(failure);
            return null;
        }
        String body = exchange.getMessage().getBody(String.class);
        try {
            return body == null || body.isBlank() ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            step.end("failed", status(exchange), "GitHub's answer is not JSON: " + e.getOriginalMessage());
            return null;
        }
    }

    private static Integer status(Exchange exchange) {
        return exchange.getProperty(GitHubApi.STATUS, Integer.class);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }
}
