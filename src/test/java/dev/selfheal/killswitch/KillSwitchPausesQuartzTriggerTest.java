package dev.selfheal.killswitch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.GitHubStandIn;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The workflow_dispatch self-trigger (a Quartz route firing every second here): the engage pauses its trigger and
 * stops its route, so no dispatch reaches GitHub while engaged; the release starts and resumes exactly them.
 */
class KillSwitchPausesQuartzTriggerTest extends KillSwitchTest {

    static final String DISPATCHES = "/repos/" + GitHubStandIn.REPO + "/actions/workflows/ci.yml/dispatches";

    @DynamicPropertySource
    static void selfTrigger(DynamicPropertyRegistry registry) {
        registry.add("selfheal.github.auto-startup", () -> "true");
        registry.add("selfheal.scheduling.dispatches", () -> GitHubStandIn.REPO + ":ci.yml@main");
        registry.add("selfheal.scheduling.cron", () -> "0/1+*+*+*+*+?");
    }

    @Autowired
    CamelContext camel;

    @Test
    void engagePausesTheSelfTriggerAndReleaseResumesIt() throws Exception {
        wm.stubFor(post(urlPathEqualTo(DISPATCHES)).willReturn(aResponse().withStatus(204)));
        eventually(() -> wm.findAll(postRequestedFor(urlPathEqualTo(DISPATCHES))).size(), n -> n >= 1);

        KillSwitchState engaged = killSwitch.engage("api", "no dispatches tonight", "dave", null);
        Map<String, Object> row = eventually(() -> jdbc.queryForMap("SELECT stopped::text AS stopped, verification "
                + "FROM phase4_killswitch_log WHERE id = ?", engaged.id()), r -> r.get("verification") != null);
        assertThat((String) row.get("stopped")).contains("scheduling-self-trigger", "schedules.self-trigger");
        assertThat(row).containsEntry("verification", "passed");
        assertThat(camel.getRouteController().getRouteStatus("scheduling-self-trigger"))
                .isEqualTo(ServiceStatus.Stopped);
        int before = wm.findAll(postRequestedFor(urlPathEqualTo(DISPATCHES))).size();
        Thread.sleep(3_000);
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo(DISPATCHES)))).hasSize(before);

        killSwitch.release("morning", "dave");
        eventually(() -> wm.findAll(postRequestedFor(urlPathEqualTo(DISPATCHES))).size(), n -> n > before);
        assertThat(camel.getRouteController().getRouteStatus("scheduling-self-trigger"))
                .isEqualTo(ServiceStatus.Started);
    }
}
