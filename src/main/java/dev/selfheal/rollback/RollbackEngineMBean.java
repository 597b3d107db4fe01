package dev.selfheal.rollback;

/**
 * The MBean {@code dev.selfheal:type=RollbackEngine} (Hawtio's JMX tab, Jolokia with an operator login): a manual
 * rollback, optionally restoring a snapshot of Selfheal's config and routes, and the engine's settings.
 */
public interface RollbackEngineMBean {

    /** Rolls back {@code workflow} (id or file name) of {@code repository}; answers the summary. */
    String rollback(String repository, String workflow, String reason);

    /** The same, and Selfheal's config/ and routes/ restored from snapshot {@code snapshotId}. */
    String rollbackRestoringSnapshot(String repository, String workflow, String reason, String snapshotId);

    /** dry-run or act. */
    String getMode();

    /** The secret names a rollback may remove, comma-separated (empty: none). */
    String getRemovableSecrets();

    /** The summary of the last rollback since start. */
    String getLastRollback();
}
