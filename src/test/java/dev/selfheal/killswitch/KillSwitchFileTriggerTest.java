package dev.selfheal.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The file trigger: {@code <data-dir>/KILLSWITCH} dropped engages the switch with its text as the reason, removed
 * releases it. A symbolic link is not followed: the switch still engages, and the reason says the content was
 * refused, never what the link points to.
 */
class KillSwitchFileTriggerTest extends KillSwitchTest {

    @Test
    void droppedFileEngagesWithItsReasonAndRemovedFileReleases() throws Exception {
        Path file = properties.dataDir().resolve("KILLSWITCH");
        Files.writeString(file, "  maintenance window for the runners\n");

        Map<String, Object> row = eventually(() -> jdbc.queryForList("SELECT id, trigger, actor, reason FROM "
                + "phase4_killswitch_log WHERE released_at IS NULL"), r -> r.size() == 1).get(0);
        assertThat(row).containsEntry("trigger", "file").containsEntry("actor", "file KILLSWITCH")
                .containsEntry("reason", "maintenance window for the runners");
        assertThat(killSwitch.engaged()).isTrue();

        Files.delete(file);
        eventually(() -> jdbc.queryForMap("SELECT released_at, released_by, release_reason FROM phase4_killswitch_log "
                + "WHERE id = ?", row.get("id")), r -> r.get("released_at") != null);
        assertThat(jdbc.queryForMap("SELECT released_by, release_reason FROM phase4_killswitch_log WHERE id = ?",
                row.get("id"))).containsEntry("released_by", "file KILLSWITCH")
                .containsEntry("release_reason", "the KILLSWITCH file was removed");
        assertThat(killSwitch.engaged()).isFalse();
    }

    @Test
    void symbolicLinkEngagesWithoutBeingRead() throws Exception {
        Path secret = Files.createTempFile("selfheal-not-a-reason", ".txt");
        Files.writeString(secret, "root:x:0:0 should never be read");
        Path file = properties.dataDir().resolve("KILLSWITCH");
        Files.createSymbolicLink(file, secret);
        try {
            Map<String, Object> row = eventually(() -> jdbc.queryForList("SELECT id, trigger, reason FROM "
                    + "phase4_killswitch_log WHERE released_at IS NULL"), r -> r.size() == 1).get(0);
            assertThat(row).containsEntry("trigger", "file");
            assertThat((String) row.get("reason")).contains("content was refused: a symbolic link")
                    .doesNotContain("root:x");
        } finally {
            Files.delete(file);
        }
        eventually(() -> killSwitch.engaged(), engaged -> !engaged);
    }
}
