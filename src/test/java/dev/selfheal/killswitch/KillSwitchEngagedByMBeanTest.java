package dev.selfheal.killswitch;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.GitHubStandIn;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The MBean dev.selfheal:type=KillSwitch engages the switch: re-run dispatch stops, the re-run Selfheal has in
 * flight is cancelled on GitHub, a re-run decided afterwards waits in the database, and the engage is recorded
 * (row, day log, audit ticket), announced (Slack, GitHub issue) and verified.
 */
class KillSwitchEngagedByMBeanTest extends KillSwitchTest {

    @Autowired
    CamelContext camel;

    @Test
    void engageStopsActionsCancelsInFlightRerunAndRecordsIt() throws Exception {
        long inFlight = newRunId();
        github.deliverRun(port, github.stubAttempt(inFlight, 1, "failure", GitHubStandIn.RUNNER_LOST));
        eventually(() -> statuses(inFlight), s -> s.equals(List.of("sent")));

        Object answer = invokeMBean("engage", "deploy freeze for the release");
        assertThat(answer.toString()).contains("deploy freeze for the release", "jmx");
        assertThat(mbeanAttribute("Engaged")).isEqualTo(true);

        long waiting = newRunId() + 3;
        github.deliverRun(port, github.stubAttempt(waiting, 1, "failure", GitHubStandIn.RUNNER_LOST));
        eventually(() -> statuses(waiting), s -> s.equals(List.of("pending")));

        // the in-flight re-run is cancelled: the one write the switch sends itself
        eventually(() -> wm.findAll(postRequestedFor(urlPathEqualTo("/repos/" + GitHubStandIn.REPO
                + "/actions/runs/" + inFlight + "/cancel"))).size(), n -> n == 1);
        assertThat(camel.getRouteController().getRouteStatus("retry-dispatch")).isEqualTo(ServiceStatus.Stopped);
        // still waiting two back-offs later: nothing is dispatched while engaged
        Thread.sleep(2_500);
        assertThat(statuses(waiting)).containsExactly("pending");
        wm.verify(0, postRequestedFor(urlPathEqualTo(GitHubStandIn.rerunPath(waiting))));

        Map<String, Object> row = eventually(() -> jdbc.queryForMap("SELECT trigger, actor, reason, action, "
                + "stopped::text AS stopped, verification, released_at FROM phase4_killswitch_log ORDER BY id DESC "
                + "LIMIT 1"), r -> r.get("verification") != null);
        assertThat(row).containsEntry("trigger", "mbean").containsEntry("actor", "jmx").containsEntry("action", "stop")
                .containsEntry("reason", "deploy freeze for the release").containsEntry("verification", "passed")
                .containsEntry("released_at", null);
        assertThat((String) row.get("stopped")).contains("retry-dispatch", String.valueOf(inFlight));

        assertThat(killSwitchLog()).anySatisfy(l -> assertThat(l).contains("ENGAGED by jmx (trigger mbean)",
                "deploy freeze for the release", "retry-dispatch"));
        assertThat(killSwitchLog()).anySatisfy(l -> assertThat(l).contains("verification passed"));
        long event = jdbc.queryForObject("SELECT max(id) FROM phase4_events WHERE event_type = 'killswitch'",
                Long.class);
        eventually(() -> jdbc.queryForObject("SELECT count(*) FROM phase4_audit_tickets WHERE event_id = ?",
                Integer.class, event), n -> n == 1);
        eventually(() -> slack.findAll(postRequestedFor(urlPathMatching(".*"))).stream()
                .anyMatch(r -> r.getBodyAsString().contains("Kill switch")
                        && r.getBodyAsString().contains("deploy freeze for the release")), ok -> ok);
        eventually(() -> wm.findAll(postRequestedFor(urlPathEqualTo("/repos/" + GitHubStandIn.REPO + "/issues")))
                .stream().anyMatch(r -> r.getBodyAsString().contains("Kill switch")), ok -> ok);
        // the issue is a notification, not an action: the only other write allowed while engaged
        assertThat(wm.findAll(postRequestedFor(urlPathMatching(".*/rerun-failed-jobs")))).hasSize(1);

        invokeMBean("release", "release is out");
        eventually(() -> statuses(waiting), s -> s.equals(List.of("sent")));
        assertThat(jdbc.queryForMap("SELECT released_by, release_reason FROM phase4_killswitch_log ORDER BY id DESC "
                + "LIMIT 1")).containsEntry("released_by", "jmx").containsEntry("release_reason", "release is out");
        assertThat(camel.getRouteController().getRouteStatus("retry-dispatch")).isEqualTo(ServiceStatus.Started);
    }
}
