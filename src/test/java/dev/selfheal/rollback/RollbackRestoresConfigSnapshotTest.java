package dev.selfheal.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.snapshots.SnapshotWatch;
import dev.selfheal.test.CoreLoopTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A rollback asked with a snapshot id writes Selfheal's own config back from that snapshot (mode act) after the
 * workflow steps, the state before stays kept as a snapshot, and the restore is recorded as a step.
 */
class RollbackRestoresConfigSnapshotTest extends CoreLoopTest {

    @DynamicPropertySource
    static void act(DynamicPropertyRegistry registry) {
        registry.add("selfheal.rollback.mode", () -> "act");
    }

    @Autowired
    RollbackEngine engine;
    @Autowired
    SnapshotWatch snapshotWatch;
    @Autowired
    SelfhealProperties properties;

    @Test
    void configComesBackFromTheStartSnapshot() throws Exception {
        long wf = 780_000 + newRunId() % 100_000;
        RollbackGitHub gh = new RollbackGitHub(wm, wf).stubWorkflow().stubRuns(wf * 10, List.of(), List.of());
        Path rules = properties.configDir().resolve("phase4-detection-rules.json");
        String original = Files.readString(rules);
        Files.writeString(rules, original.replace("\"count\": 3", "\"count\": 9"));
        assertThat(snapshotWatch.takeIfChanged()).isPresent();

        String summary = engine.rollbackRestoringSnapshot(RollbackGitHub.REPO, String.valueOf(wf), "bad tuning", "1");

        assertThat(summary).contains("rolled_back");
        assertThat(Files.readString(rules)).isEqualTo(original);
        String steps = jdbc.queryForObject("SELECT steps::text FROM phase4_rollback_log WHERE workflow = ? "
                + "AND snapshot_id = '1'", String.class, String.valueOf(wf));
        assertThat(steps).contains("restore snapshot 1", "snapshot 0001 restored",
                "config/phase4-detection-rules.json");
        // the state before the restore stays restorable: it is a snapshot (taken on change or before the restore)
        assertThat(snapshotWatch.snapshots().list()).anySatisfy(s -> assertThat(Files.readString(snapshotWatch
                .snapshots().root().resolve(s.id()).resolve("config/phase4-detection-rules.json")))
                .contains("\"count\": 9"));
        assertThat(gh.calls()).contains("PUT " + gh.workflowPath() + "/disable");
    }
}
