package dev.selfheal.killswitch;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.github.GitHubApi;
import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The kill switch engaged by another instance on the same database (its open stop row; this instance's own state
 * says released) holds this instance back at once: its due re-runs are not claimed and an action write is
 * withheld; when that instance releases, the re-run goes out once.
 */
class KillSwitchEngagedByAnotherInstanceHoldsThisOneTest extends CoreLoopTest {

    @Autowired
    KillSwitch killSwitch;
    @Autowired
    ProducerTemplate template;

    @Test
    void anOpenStopRowOfAnotherInstanceHoldsReRunsAndWrites() throws Exception {
        github.stubRerunAccepted();
        Long row = jdbc.queryForObject("INSERT INTO phase4_killswitch_log (actor, reason, target, action, trigger) "
                + "VALUES ('operator@instance-b', 'engaged on the other instance', 'retry-dispatch', 'stop', 'api') "
                + "RETURNING id", Long.class);
        try {
            assertThat(killSwitch.engaged()).isFalse();
            assertThat(killSwitch.engagedAnywhere()).isTrue();

            long runId = newRunId();
            github.deliverRun(port, github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST));
            eventually(() -> retries(runId), r -> r.size() == 1);
            // well past its due time it is still pending: no instance claims it while the switch is engaged
            eventually(() -> jdbc.queryForObject("SELECT due_at < now() - interval '2 seconds' FROM "
                    + "phase4_retry_history WHERE original_run_id = ?", Boolean.class, runId), Boolean.TRUE::equals);
            assertThat(retries(runId).get(0).get("status")).isEqualTo("pending");
            wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));

            Exchange write = template.send("direct:github-call", e -> {
                e.setProperty(GitHubApi.METHOD, "POST");
                e.setProperty(GitHubApi.PATH, GitHubStandIn.rerunPath(runId));
            });
            assertThat(write.getProperty(GitHubApi.WITHHELD, String.class)).isEqualTo("killswitch");
            wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));

            jdbc.update("UPDATE phase4_killswitch_log SET released_at = now(), released_by = 'operator@instance-b' "
                    + "WHERE id = ?", row);
            eventually(() -> retries(runId), r -> "sent".equals(r.get(0).get("status")));
            wm.verify(1, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(runId))));
        } finally {
            jdbc.update("UPDATE phase4_killswitch_log SET released_at = coalesce(released_at, now()) WHERE id = ?", row);
        }
    }
}
