package dev.selfheal.killswitch;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Verification after an engage: someone starts re-run dispatch again (in Hawtio) before the check runs, so the
 * verification fails, is recorded on the row and in the day log, and raises a critical alert on Slack.
 */
class KillSwitchVerificationFailureTest extends KillSwitchTest {

    @Autowired
    CamelContext camel;

    @Test
    void targetRunningAgainFailsTheVerificationWithACriticalAlert() throws Exception {
        KillSwitchState engaged = killSwitch.engage("api", "incident 4711", "alice", null);
        eventually(() -> killSwitch.state().stoppedRoutes(), r -> r.contains("retry-dispatch"));
        assertThat(camel.getRouteController().getRouteStatus("retry-dispatch")).isEqualTo(ServiceStatus.Stopped);
        camel.getRouteController().startRoute("retry-dispatch");

        Map<String, Object> row = eventually(() -> jdbc.queryForMap("SELECT verification, verified_at FROM "
                + "phase4_killswitch_log WHERE id = ?", engaged.id()), r -> r.get("verification") != null);
        assertThat((String) row.get("verification")).startsWith("failed: ").contains("route retry-dispatch is running");
        assertThat(killSwitchLog()).anySatisfy(l -> assertThat(l).contains("verification FAILED (critical)",
                "retry-dispatch"));
        Map<String, Object> alert = jdbc.queryForMap("SELECT id, payload->>'action' AS action FROM phase4_events "
                + "WHERE event_type = 'killswitch' ORDER BY id DESC LIMIT 1");
        assertThat(alert).containsEntry("action", "verification_failed");
        assertThat(eventually(() -> jdbc.queryForList("SELECT risk_level FROM phase4_audit_tickets WHERE event_id = ?",
                String.class, alert.get("id")), r -> !r.isEmpty())).containsExactly("critical");
        eventually(() -> slack.findAll(postRequestedFor(urlPathMatching(".*"))).stream()
                .anyMatch(r -> r.getBodyAsString().contains("VERIFICATION FAILED")), ok -> ok);
    }
}
