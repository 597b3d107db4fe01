package dev.selfheal.snapshots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot restores exactly what was there: the files come back byte for byte, the state before is kept as a
 * snapshot of its own (so the restore can be undone), a plan writes nothing, an unchanged state is not kept
 * twice, and a damaged snapshot (a file that no longer matches its manifest hash) restores nothing.
 */
class SnapshotRestoreRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void restoreGivesBackTheFilesAndCanBeUndone() throws IOException {
        Path config = Files.createDirectories(dir.resolve("config"));
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(config.resolve("policy.json"), "{\"max\": 3}\n");
        Files.writeString(routes.resolve("a.yaml"), "- route:\n    id: a-one\n");
        Snapshots snapshots = new Snapshots(dir.resolve("data"), config, routes);

        assertThat(snapshots.take("start")).hasValueSatisfying(s -> assertThat(s.id()).isEqualTo("0001"));
        assertThat(snapshots.take("start")).as("same content: not kept again").isEmpty();

        Files.writeString(config.resolve("policy.json"), "{\"max\": 30}\n");
        Files.writeString(routes.resolve("a.yaml"), "- route:\n    id: a-two\n");
        Files.writeString(routes.resolve("b.yaml"), "- route:\n    id: b-one\n");
        assertThat(snapshots.take("change")).hasValueSatisfying(s -> assertThat(s.id()).isEqualTo("0002"));

        Snapshots.Restore plan = snapshots.restore("1", false);
        assertThat(plan.written()).containsExactly("config/policy.json", "routes/a.yaml");
        assertThat(Files.readString(config.resolve("policy.json"))).as("a plan writes nothing").contains("30");

        Snapshots.Restore done = snapshots.restore("0001", true);
        assertThat(done.written()).containsExactly("config/policy.json", "routes/a.yaml");
        assertThat(done.notInSnapshot()).containsExactly("routes/b.yaml");
        assertThat(Files.readString(config.resolve("policy.json"))).isEqualTo("{\"max\": 3}\n");
        assertThat(Files.readString(routes.resolve("a.yaml"))).isEqualTo("- route:\n    id: a-one\n");
        assertThat(done.safetySnapshotId()).as("the state before, kept").isNull();
        // the state before the restore equalled snapshot 0002, so it was already kept; undo by restoring 0002
        assertThat(snapshots.restore("2", true).safetySnapshotId()).as("the restored 0001 state, newest no more")
                .isEqualTo("0003");
        assertThat(Files.readString(config.resolve("policy.json"))).isEqualTo("{\"max\": 30}\n");

        Files.writeString(config.resolve("policy.json"), "{\"max\": 5}\n");
        Snapshots.Restore again = snapshots.restore("1", true);
        assertThat(again.safetySnapshotId()).isEqualTo("0004");
        assertThat(dir.resolve("data/snapshots/0004/config/policy.json")).hasContent("{\"max\": 5}");

        Files.writeString(dir.resolve("data/snapshots/0002/routes/a.yaml"), "- route:\n    id: tampered\n");
        assertThatThrownBy(() -> snapshots.restore("2", true)).hasMessageContaining("damaged")
                .hasMessageContaining("routes/a.yaml");
        assertThat(Files.readString(routes.resolve("a.yaml"))).isEqualTo("- route:\n    id: a-one\n");
        assertThatThrownBy(() -> snapshots.restore("9", true)).hasMessageContaining("no snapshot 9");
    }
}
