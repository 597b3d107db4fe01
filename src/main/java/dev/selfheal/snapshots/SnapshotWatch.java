package dev.selfheal.snapshots;

import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.reports.ReportLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Keeps Selfheal's own config/ and routes/ as snapshots: one at every start and one after every change (route
 * snapshots-watch calls {@link #takeIfChanged()}; a state equal to the newest snapshot is not kept again). Each
 * kept snapshot is one line of {@code logs/snapshot_log_YYYYMMDD.log}. A data directory that cannot hold
 * snapshots stops the start: a rollback could not restore anything.
 */
@Component("snapshotWatch")
public class SnapshotWatch {

    private final Snapshots snapshots;
    private final ReportLog reportLog;

    public SnapshotWatch(SelfhealProperties properties, ReportLog reportLog) {
        this.snapshots = new Snapshots(properties.dataDir(), properties.configDir(), properties.routesDir());
        this.reportLog = reportLog;
        try {
            logged(snapshots.take("start"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("snapshots of config/ and routes/ cannot be kept under "
                    + snapshots.root() + ": " + e.getMessage(), e);
        }
    }

    public Snapshots snapshots() {
        return snapshots;
    }

    /** Route step: a new snapshot when config/ or routes/ changed since the newest one. */
    public Optional<Snapshots.Snapshot> takeIfChanged() {
        try {
            return logged(snapshots.take("change"));
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot of config/ and routes/ failed: " + e.getMessage(), e);
        }
    }

    private Optional<Snapshots.Snapshot> logged(Optional<Snapshots.Snapshot> taken) {
        taken.ifPresent(s -> reportLog.append("snapshot", "snapshot " + s.id() + " kept (" + s.reason() + "): "
                + s.files().size() + " files under " + snapshots.root().resolve(s.id())));
        return taken;
    }
}
