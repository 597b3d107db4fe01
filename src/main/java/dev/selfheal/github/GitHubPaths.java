package dev.selfheal.github;

/**
 * Every GitHub REST path Selfheal calls, relative to {@code selfheal.github.api-url} (the value of
 * {@link GitHubApi#PATH}). Routes build them through these methods too, so no path is spelled in YAML.
 */
public final class GitHubPaths {

    private GitHubPaths() {
    }

    public static String runs(String repository) {
        return "/repos/" + repository + "/actions/runs";
    }

    public static String run(String repository, long runId) {
        return runs(repository) + "/" + runId;
    }

    public static String attemptJobs(String repository, long runId, int attempt) {
        return run(repository, runId) + "/attempts/" + attempt + "/jobs";
    }

    public static String runArtifacts(String repository, long runId) {
        return run(repository, runId) + "/artifacts";
    }

    public static String runLogs(String repository, long runId) {
        return run(repository, runId) + "/logs";
    }

    public static String rerunFailedJobs(String repository, long runId) {
        return run(repository, runId) + "/rerun-failed-jobs";
    }

    public static String jobLogs(String repository, long jobId) {
        return "/repos/" + repository + "/actions/jobs/" + jobId + "/logs";
    }

    /** A job's check run annotations; {@code checkRunId} is the last path segment of the job's check_run_url. */
    public static String checkRunAnnotations(String repository, long checkRunId) {
        return "/repos/" + repository + "/check-runs/" + checkRunId + "/annotations";
    }

    /** The check run id at the end of a job's {@code check_run_url}; -1 when there is none. */
    public static long checkRunId(String checkRunUrl) {
        if (checkRunUrl == null) {
            return -1;
        }
        String id = checkRunUrl.substring(checkRunUrl.lastIndexOf('/') + 1);
        return id.matches("\\d{1,19}") ? Long.parseLong(id) : -1;
    }

    public static String artifactZip(String repository, long artifactId) {
        return "/repos/" + repository + "/actions/artifacts/" + artifactId + "/zip";
    }

    public static String workflowDispatches(String repository, String workflow) {
        return "/repos/" + repository + "/actions/workflows/" + workflow + "/dispatches";
    }

    public static String issues(String repository) {
        return "/repos/" + repository + "/issues";
    }

    public static String issueComments(String repository, int issueNumber) {
        return issues(repository) + "/" + issueNumber + "/comments";
    }
}
