package dev.selfheal.retry;

import java.time.Instant;

/** A re-run whose due time has come, claimed for sending ({@code phase4_retry_history} row). */
public record PendingRetry(long id, long runId, String repository, int attempt, String category, String reason,
        double intervalSeconds, Instant dueAt) {

    public String rerunPath() {
        return "/repos/" + repository + "/actions/runs/" + runId + "/rerun-failed-jobs";
    }
}
