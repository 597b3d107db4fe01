package dev.selfheal.rollback;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rollback under way and, when the route is done, its result: the target, the last healthy state found, the
 * steps in order with their calls and outcomes, the verification, and where it was recorded. The route's steps
 * (routes/rollback.yaml) fill it in through {@link RollbackSteps}; {@link RollbackEngine#request} returns it.
 */
public final class Rollback {

    private final RollbackRequest request;
    private final boolean acting;
    private final Instant startedAt;
    private final List<RollbackStep> steps = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> runsToCancel = Collections.synchronizedList(new ArrayList<>());
    private final List<String> secretsToRemove = new ArrayList<>();
    private final List<String> secretsKept = new ArrayList<>();
    volatile Long workflowId;
    volatile String workflowName;
    volatile String workflowPath;
    volatile String stateBefore;
    volatile String stateAfter;
    volatile Long healthyRunId;
    volatile String healthySha;
    volatile String healthyBranch;
    volatile Boolean verified;
    volatile Long logId;
    volatile Long eventId;
    volatile String reportFile;
    volatile Instant finishedAt;

    Rollback(RollbackRequest request, boolean acting, Instant startedAt) {
        this.request = request;
        this.acting = acting;
        this.startedAt = startedAt;
    }

    public RollbackRequest request() {
        return request;
    }

    public boolean acting() {
        return acting;
    }

    public String mode() {
        return acting ? "act" : "dry-run";
    }

    public Instant startedAt() {
        return startedAt;
    }

    public List<RollbackStep> steps() {
        synchronized (steps) {
            return List.copyOf(steps);
        }
    }

    RollbackStep add(String name, String call, String status, String detail) {
        RollbackStep step = new RollbackStep(name, call, status, detail);
        steps.add(step);
        return step;
    }

    List<Long> runsToCancel() {
        return runsToCancel;
    }

    List<String> secretsToRemove() {
        return secretsToRemove;
    }

    List<String> secretsKept() {
        return secretsKept;
    }

    /** The workflow as GitHub's paths name it: its id once identified, else what was asked (id or file name). */
    String workflowRef() {
        return workflowId != null ? String.valueOf(workflowId) : request.workflow();
    }

    public Long workflowId() {
        return workflowId;
    }

    public String workflowPath() {
        return workflowPath;
    }

    public Long healthyRunId() {
        return healthyRunId;
    }

    public String healthySha() {
        return healthySha;
    }

    public Boolean verified() {
        return verified;
    }

    public Long logId() {
        return logId;
    }

    public String reportFile() {
        return reportFile;
    }

    /** planned (dry run), rolled_back (every step went through and verified), partial, failed (nothing changed). */
    public String outcome() {
        if (!acting) {
            return "planned";
        }
        List<RollbackStep> all = steps();
        boolean anyFailed = all.stream().anyMatch(s -> "failed".equals(s.status()));
        boolean anyDone = all.stream().anyMatch(s -> "done".equals(s.status()));
        if (!anyFailed && Boolean.TRUE.equals(verified)) {
            return "rolled_back";
        }
        return anyDone ? "partial" : "failed";
    }

    /** One line for the console, the MBean and the notification. */
    public String summary() {
        List<RollbackStep> all = steps();
        long failed = all.stream().filter(s -> "failed".equals(s.status())).count();
        long planned = all.stream().filter(s -> "planned".equals(s.status())).count();
        long done = all.stream().filter(s -> "done".equals(s.status())).count();
        String target = request.repository() + " workflow " + (workflowName != null ? workflowName + " (" + workflowRef()
                + ")" : request.workflow());
        return "rollback " + (logId == null ? "" : "#" + logId + " ") + mode() + " of " + target + ": " + outcome()
                + " (" + (acting ? done + " change(s) made" : planned + " change(s) planned, none made") + ", "
                + failed + " step(s) refused" + (acting ? ", verified " + verified : "") + ")";
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("logId", logId);
        m.put("repository", request.repository());
        m.put("workflow", request.workflow());
        m.put("workflowId", workflowId);
        m.put("workflowName", workflowName);
        m.put("workflowPath", workflowPath);
        m.put("mode", mode());
        m.put("trigger", request.trigger());
        m.put("actor", request.actor());
        m.put("reason", request.reason());
        m.put("lastHealthyRunId", healthyRunId);
        m.put("lastHealthySha", healthySha);
        m.put("lastHealthyBranch", healthyBranch);
        m.put("stateBefore", stateBefore);
        m.put("stateAfter", stateAfter);
        m.put("verified", verified);
        m.put("snapshotId", request.snapshotId());
        m.put("outcome", outcome());
        m.put("summary", summary());
        m.put("steps", steps().stream().map(RollbackStep::toMap).toList());
        m.put("startedAt", startedAt.toString());
        m.put("finishedAt", finishedAt == null ? null : finishedAt.toString());
        return m;
    }
}
