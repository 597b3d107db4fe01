package dev.selfheal.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.security.ManagementRole;
import dev.selfheal.security.ManagementUsers;
import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.ManagementLogin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * Hawtio's way in: the RollbackEngine MBean's rollback over Jolokia runs for an operator, recorded with the
 * operator's login as actor; a viewer's exec is refused (403) and nothing is recorded or called.
 */
class RollbackOverJolokiaNeedsOperatorTest extends CoreLoopTest {

    @LocalManagementPort
    int managementPort;

    @Autowired
    ManagementUsers users;

    @Test
    void operatorRollsBackViewerIsRefused() throws Exception {
        users.save("rb-operator", "operator-password", ManagementRole.OPERATOR);
        users.save("rb-viewer", "viewer-password", ManagementRole.VIEWER);
        long wf = 790_000 + newRunId() % 100_000;
        RollbackGitHub gh = new RollbackGitHub(wm, wf).stubWorkflow().stubRuns(wf * 10, List.of(), List.of());
        String exec = "{\"type\":\"exec\",\"mbean\":\"dev.selfheal:type=RollbackEngine\",\"operation\":\"rollback\","
                + "\"arguments\":[\"" + RollbackGitHub.REPO + "\",\"" + gh.file + "\",\"%s\"]}";

        assertThat(jolokia(String.format(exec, "viewer tries"), "rb-viewer:viewer-password")).contains("\"status\":403");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_rollback_log WHERE workflow = ?", Long.class,
                gh.file)).isZero();
        assertThat(gh.calls()).isEmpty();

        assertThat(jolokia(String.format(exec, "operator decides"), "rb-operator:operator-password"))
                .contains("\"status\":200", "dry-run");
        assertThat(jdbc.queryForMap("SELECT actor, trigger, reason FROM phase4_rollback_log WHERE workflow = ?",
                gh.file)).containsEntry("actor", "rb-operator").containsEntry("trigger", "mbean")
                .containsEntry("reason", "operator decides");
    }

    private String jolokia(String json, String login) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/jolokia")).header("Content-Type", "application/json")
                .header("Authorization", ManagementLogin.basic(login)).POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
