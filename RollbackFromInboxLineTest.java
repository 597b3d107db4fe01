package dev.selfheal.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An inbox file line "rollback owner/repo WORKFLOW REASON" runs a rollback (trigger inbox) and the file goes to
 * .done/; a file with a malformed rollback line is refused whole (all or nothing, as for run lines): .error/ with
 * the line named, and neither its rollback nor its run is handled.
 */
class RollbackFromInboxLineTest extends CoreLoopTest {

    static Path data;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        data = Files.createTempDirectory("rollback-inbox");
        registry.add("selfheal.data-dir", data::toString);
    }

    @Test
    void rollbackLineRunsARollbackAndABadOneRefusesTheFile() throws Exception {
        long wf = 770_000 + newRunId() % 100_000;
        RollbackGitHub gh = new RollbackGitHub(wm, wf).stubWorkflow().stubRuns(wf * 10, List.of(), List.of());
        Path inbox = Files.createDirectories(data.resolve("inbox"));

        Files.writeString(inbox.resolve("bad.txt"), "# two lines\n" + RollbackGitHub.REPO + " 12345\n"
                + "rollback " + RollbackGitHub.REPO + " " + gh.file + "\n");
        Path errors = inbox.resolve(".error/bad.txt.errors");
        eventually(() -> Files.exists(errors), e -> e);
        assertThat(Files.readString(errors)).contains("line 3", "expected 'rollback owner/repo WORKFLOW REASON'",
                "nothing in this file was processed");

        Files.writeString(inbox.resolve("good.txt"), "rollback " + RollbackGitHub.REPO + " " + gh.file
                + " release 4.2 broke deploys\n");
        eventually(() -> Files.exists(inbox.resolve(".done/good.txt")), e -> e);

        var rows = jdbc.queryForList("SELECT * FROM phase4_rollback_log WHERE workflow = ?", gh.file);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("trigger", "inbox").containsEntry("actor", "inbox file good.txt")
                .containsEntry("reason", "release 4.2 broke deploys").containsEntry("workflow_id", wf);
        assertThat(gh.calls()).doesNotContain("GET /repos/" + RollbackGitHub.REPO + "/actions/runs/12345")
                .allSatisfy(c -> assertThat(c).startsWith("GET "));
    }
}
