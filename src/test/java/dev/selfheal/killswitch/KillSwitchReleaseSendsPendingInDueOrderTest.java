package dev.selfheal.killswitch;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.GitHubStandIn;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * While engaged, re-runs decided for three failed runs wait in the database past their due times; the release
 * sends each once, in due order (through the CI guard, as any re-run).
 */
class KillSwitchReleaseSendsPendingInDueOrderTest extends KillSwitchTest {

    @Test
    void pendingRerunsGoOutInDueOrderAfterRelease() throws Exception {
        killSwitch.engage("api", "hold every re-run", "bob", null);
        eventually(() -> killSwitch.state().stoppedRoutes(), r -> r.contains("retry-dispatch"));

        List<Long> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long runId = newRunId() + i;
            runs.add(runId);
            github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));
            eventually(() -> statuses(runId), s -> s.equals(List.of("pending")));
            Thread.sleep(50); // distinct due times
        }
        Thread.sleep(2_000); // every due time has passed
        for (long runId : runs) {
            assertThat(statuses(runId)).containsExactly("pending");
        }
        wm.verify(0, postRequestedFor(urlPathMatching(".*/rerun-failed-jobs")));
        List<Long> dueOrder = jdbc.queryForList("SELECT original_run_id FROM phase4_retry_history WHERE "
                + "original_run_id IN (?, ?, ?) ORDER BY due_at", Long.class, runs.get(0), runs.get(1), runs.get(2));
        assertThat(dueOrder).containsExactlyElementsOf(runs);

        killSwitch.release("incident over", "bob");
        for (long runId : runs) {
            eventually(() -> statuses(runId), s -> s.equals(List.of("sent")));
        }
        List<String> sent = github.requests().stream().filter(r -> r.getMethod().getName().equals("POST")
                && r.getUrl().endsWith("/rerun-failed-jobs")).map(r -> URI.create(r.getUrl()).getPath()).toList();
        assertThat(sent).containsExactly(GitHubStandIn.rerunPath(runs.get(0)), GitHubStandIn.rerunPath(runs.get(1)),
                GitHubStandIn.rerunPath(runs.get(2)));
        assertThat(killSwitchLog()).anySatisfy(l -> assertThat(l).contains("RELEASED by bob", "incident over",
                "retry-dispatch"));
    }
}
