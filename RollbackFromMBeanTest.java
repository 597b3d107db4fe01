package dev.selfheal.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.selfheal.test.CoreLoopTest;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * The MBean dev.selfheal:type=RollbackEngine (what Hawtio shows): rollback(repository, workflow, reason) runs a
 * rollback recorded as trigger mbean and answers its summary; a request for a repository that is not watched is
 * refused and nothing is recorded or called.
 */
class RollbackFromMBeanTest extends CoreLoopTest {

    @Test
    void mbeanOperationRunsARollbackAndRefusesAnUnwatchedRepository() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.selfheal:type=RollbackEngine");
        assertThat(jmx.getAttribute(name, "Mode")).isEqualTo("dry-run");
        long wf = 760_000 + newRunId() % 100_000;
        RollbackGitHub gh = new RollbackGitHub(wm, wf).stubWorkflow().stubRuns(wf * 10, List.of(), List.of());

        Object summary = jmx.invoke(name, "rollback", new Object[] {RollbackGitHub.REPO, gh.file, "operator says so"},
                new String[] {String.class.getName(), String.class.getName(), String.class.getName()});

        assertThat((String) summary).contains("dry-run", "planned");
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM phase4_rollback_log WHERE workflow = ?", gh.file);
        assertThat(row).containsEntry("trigger", "mbean").containsEntry("actor", "JMX")
                .containsEntry("reason", "operator says so").containsEntry("workflow_id", wf);
        assertThat(jmx.getAttribute(name, "LastRollback")).isEqualTo(summary);

        int before = gh.calls().size();
        assertThatThrownBy(() -> jmx.invoke(name, "rollback", new Object[] {"someone/else", gh.file, "no"},
                new String[] {String.class.getName(), String.class.getName(), String.class.getName()}))
                .hasStackTraceContaining("not a watched repository");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_rollback_log WHERE repository = 'someone/else'",
                Long.class)).isZero();
        assertThat(gh.calls()).hasSize(before);
    }
}
