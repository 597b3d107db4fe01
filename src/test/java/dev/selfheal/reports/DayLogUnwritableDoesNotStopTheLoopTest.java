package dev.selfheal.reports;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The day log cannot be written (on a full volume every append fails; here the retry log's name is taken by a
 * directory, so each append gets an IOException from the file system): the re-run is still scheduled and sent,
 * and one ERROR (not one per line) says which day log misses the lines, which stay on the console.
 */
@ExtendWith(OutputCaptureExtension.class)
class DayLogUnwritableDoesNotStopTheLoopTest extends CoreLoopTest {

    @Autowired
    ReportFolders folders;

    Path blocked;

    @AfterEach
    void unblock() throws Exception {
        if (blocked != null) {
            Files.deleteIfExists(blocked);
        }
    }

    @Test
    void rerunIsSentAndTheMissingDayLogIsReported(CapturedOutput output) throws Exception {
        blocked = folders.dayFolder(folders.now(), "logs")
                .resolve("retry_log_" + ReportFolders.compactDate(folders.now()) + ".log");
        Files.deleteIfExists(blocked);
        Files.createDirectory(blocked);
        long runId = newRunId();
        github.stubRerunAccepted();

        github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));

        eventually(() -> retries(runId), r -> r.size() == 1 && "sent".equals(r.get(0).get("status")));
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
        assertThat(output.getOut().lines().filter(l -> l.contains("Day log " + blocked + " not written")))
                .as("one ERROR names the day log (once a minute)").hasSize(1).allMatch(l -> l.contains("ERROR"));
    }
}
