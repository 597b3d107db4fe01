package dev.selfheal.killswitch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.GitHubStandIn;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * selfheal.killswitch.disable-workflows: the engage disables the named scheduled workflow on GitHub (the switch's
 * own write, let through its gate) and records it on the row; the release enables it again.
 */
class KillSwitchDisablesNamedWorkflowsTest extends KillSwitchTest {

    static final String WORKFLOW = "/repos/" + GitHubStandIn.REPO + "/actions/workflows/nightly.yml";

    @DynamicPropertySource
    static void nightly(DynamicPropertyRegistry registry) {
        registry.add("selfheal.killswitch.disable-workflows", () -> GitHubStandIn.REPO + ":nightly.yml");
    }

    @Test
    void engageDisablesAndReleaseEnablesTheNamedWorkflow() throws Exception {
        wm.stubFor(put(urlPathEqualTo(WORKFLOW + "/disable")).willReturn(aResponse().withStatus(204)));
        wm.stubFor(put(urlPathEqualTo(WORKFLOW + "/enable")).willReturn(aResponse().withStatus(204)));

        KillSwitchState engaged = killSwitch.engage("api", "nightly deploys must not run", "erin", null);
        eventually(() -> wm.findAll(putRequestedFor(urlPathEqualTo(WORKFLOW + "/disable"))).size(), n -> n == 1);
        eventually(() -> jdbc.queryForObject("SELECT stopped::text FROM phase4_killswitch_log WHERE id = ?",
                String.class, engaged.id()), s -> s.contains("\"disabledWorkflows\": [\"" + GitHubStandIn.REPO
                + ":nightly.yml\"]"));
        wm.verify(0, putRequestedFor(urlPathEqualTo(WORKFLOW + "/enable")));

        killSwitch.release("deploys may run again", "erin");
        eventually(() -> wm.findAll(putRequestedFor(urlPathEqualTo(WORKFLOW + "/enable"))).size(), n -> n == 1);
        assertThat(wm.findAll(putRequestedFor(urlPathEqualTo(WORKFLOW + "/disable")))).hasSize(1);
        assertThat(killSwitchLog()).anySatisfy(l -> assertThat(l).contains("disabled workflow " + GitHubStandIn.REPO
                + ":nightly.yml"));
    }
}
