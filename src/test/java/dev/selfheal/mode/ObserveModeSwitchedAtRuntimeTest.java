package dev.selfheal.mode;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.ManagementLogin;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * The mode is switched at runtime over Jolokia (what Hawtio uses) by a logged-in operator: each change is a row
 * of phase4_mode_log naming the login; a re-run decided in observe mode is not sent, one decided after the switch
 * back to act is.
 */
class ObserveModeSwitchedAtRuntimeTest extends CoreLoopTest {

    @LocalManagementPort
    int managementPort;

    @org.junit.jupiter.api.BeforeAll
    static void released() {
        dev.selfheal.test.OpenKillSwitch.releaseInDatabase();
    }

    String setMode(String mode, String reason) throws Exception {
        return ManagementLogin.jolokia(managementPort, "{\"type\":\"exec\",\"mbean\":\"dev.selfheal:type=OperatingMode\","
                + "\"operation\":\"setMode\",\"arguments\":[\"" + mode + "\",\"" + reason + "\"]}");
    }

    @Test
    void observeThenActOverJolokiaIsRecordedAndObeyed() throws Exception {
        github.stubRerunAccepted();
        assertThat(setMode("observe", "a week of watching first")).contains("\"status\":200", "\"value\":\"act\"");
        assertThat(jdbc.queryForMap("SELECT mode, previous_mode, source, actor, reason FROM phase4_mode_log "
                + "ORDER BY id DESC LIMIT 1")).containsEntry("mode", "observe").containsEntry("previous_mode", "act")
                .containsEntry("source", "mbean").containsEntry("actor", "admin")
                .containsEntry("reason", "a week of watching first");

        long watched = newRunId();
        github.deliverRun(port, github.stubAttempt(watched, 1, "failure", GitHubStandIn.RUNNER_LOST));
        eventually(() -> retries(watched), r -> r.size() == 1 && "withheld".equals(r.get(0).get("status")));
        wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(watched))));

        assertThat(setMode("act", "the week looked right")).contains("\"status\":200", "\"value\":\"observe\"");
        assertThat(setMode("sometimes", "typo")).doesNotContain("\"status\":200");
        long acted = newRunId() + 5;
        github.deliverRun(port, github.stubAttempt(acted, 1, "failure", GitHubStandIn.RUNNER_LOST));
        eventually(() -> retries(acted), r -> r.size() >= 1 && "sent".equals(r.get(0).get("status")));
        wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(acted))));
        List<Map<String, Object>> changes = jdbc.queryForList("SELECT mode FROM phase4_mode_log ORDER BY id DESC LIMIT 2");
        assertThat(changes).extracting(r -> r.get("mode")).containsExactly("act", "observe");
    }
}
