package dev.selfheal.rollback;

/**
 * What to roll back and why. {@code workflow} is GitHub's workflow id or its file name ({@code deploy.yml});
 * {@code trigger} is consecutive_failures, critical_detection, mbean, inbox or api; {@code snapshotId}, when set,
 * also restores Selfheal's own config and routes from that snapshot; {@code detectionEventId} links the
 * detection that asked for it.
 */
public record RollbackRequest(String repository, String workflow, String reason, String actor, String trigger,
        String snapshotId, Long detectionEventId) {
}
