package dev.selfheal.routes;

/**
 * Names of the exchange properties that routes and beans of several modules share: the run under way. A module's
 * own properties stay with the module (GitHub calls: {@code GitHubApi.METHOD}, {@code PATH}, ...); these are the
 * ones set by one module and read by another, and by the YAML routes as {@code ${exchangeProperty.<name>}}.
 */
public final class ExchangeProperties {

    /** The run's repository, {@code owner/name}. */
    public static final String REPOSITORY = "repository";
    /** GitHub's run id. */
    public static final String RUN_ID = "runId";
    /** GitHub's run_attempt of the run under way. */
    public static final String RUN_ATTEMPT = "runAttempt";
    /** The run under way, a {@code RunSummary}. */
    public static final String RUN = "run";
    /** The failed job whose log is being read. */
    public static final String JOB_NAME = "jobName";
    /** The outbox event under way, set by the outbox-consumer template. */
    public static final String OUTBOX_EVENT = "outboxEvent";

    private ExchangeProperties() {
    }
}
