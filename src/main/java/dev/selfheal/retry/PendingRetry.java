package dev.selfheal.retry;

import dev.selfheal.github.GitHubPaths;
import java.time.Instant;

/** A re-run whose due time has come, claimed for sending ({@code phase4_retry_history} row). */
public record PendingRetry(long id, long runId, String repository, int attempt, String category, String reason,
        double intervalSeconds, Instant dueAt) {

    public String rerunPath() {
        return GitHubPaths.rerunFailedJobs(repository, runId);
    }
}
