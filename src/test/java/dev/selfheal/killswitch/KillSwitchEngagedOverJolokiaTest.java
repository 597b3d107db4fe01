package dev.selfheal.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.ManagementLogin;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * What Hawtio does: a logged-in operator engages and releases the switch over Jolokia on the management port
 * (jolokia-access.xml allows exec on dev.selfheal:type=KillSwitch); the login is the recorded actor, and a blank
 * reason is refused while the service keeps running.
 */
class KillSwitchEngagedOverJolokiaTest extends KillSwitchTest {

    @LocalManagementPort
    int managementPort;

    String exec(String operation, String reason) throws Exception {
        return ManagementLogin.jolokia(managementPort, "{\"type\":\"exec\",\"mbean\":\"dev.selfheal:type=KillSwitch\","
                + "\"operation\":\"" + operation + "\",\"arguments\":[\"" + reason + "\"]}");
    }

    @Test
    void operatorEngagesAndReleasesAsThemselves() throws Exception {
        assertThat(exec("engage", " ")).doesNotContain("\"status\":200");
        assertThat(killSwitch.engaged()).isFalse();

        assertThat(exec("engage", "runner fleet on fire")).contains("\"status\":200", "runner fleet on fire");
        assertThat(ManagementLogin.jolokia(managementPort, "{\"type\":\"read\",\"mbean\":\"dev.selfheal:type=KillSwitch\","
                + "\"attribute\":\"Actor\"}")).contains("\"value\":\"admin\"");
        Map<String, Object> row = jdbc.queryForMap("SELECT id, trigger, actor FROM phase4_killswitch_log WHERE "
                + "released_at IS NULL");
        assertThat(row).containsEntry("trigger", "mbean").containsEntry("actor", "admin");

        assertThat(exec("release", "fire is out")).contains("\"status\":200");
        assertThat(jdbc.queryForMap("SELECT released_by, release_reason FROM phase4_killswitch_log WHERE id = ?",
                row.get("id"))).containsEntry("released_by", "admin").containsEntry("release_reason", "fire is out");
        assertThat(exec("release", "twice")).doesNotContain("\"status\":200");
    }
}
