package dev.selfheal.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Removing secrets is destructive: only names on selfheal.rollback.removable-secrets are deleted; a secret the
 * repository has that is not on the list is never touched.
 */
class RollbackRemovesOnlyAllowListedSecretsTest extends CoreLoopTest {

    @DynamicPropertySource
    static void act(DynamicPropertyRegistry registry) {
        registry.add("selfheal.rollback.mode", () -> "act");
        registry.add("selfheal.rollback.removable-secrets", () -> "DEPLOY_KEY,ABSENT_SECRET");
    }

    @Autowired
    RollbackEngine engine;

    @Test
    void onlyTheAllowListedSecretThatExistsIsDeleted() {
        long wf = 720_000 + newRunId() % 100_000;
        RollbackGitHub gh = new RollbackGitHub(wm, wf).stubWorkflow().stubRuns(wf * 10 + 1, List.of(), List.of())
                .stubSecrets("DEPLOY_KEY", "NPM_TOKEN");

        Rollback rollback = engine.request(RollbackGitHub.REPO, String.valueOf(wf), "leaked deploy key", "carol");

        List<String> calls = gh.calls();
        assertThat(calls).contains("GET " + gh.base + "/secrets?per_page=100",
                "DELETE " + gh.base + "/secrets/DEPLOY_KEY");
        assertThat(calls).filteredOn(c -> c.startsWith("DELETE")).containsExactly(
                "DELETE " + gh.base + "/secrets/DEPLOY_KEY");
        assertThat(calls.indexOf("DELETE " + gh.base + "/secrets/DEPLOY_KEY"))
                .isGreaterThan(calls.indexOf("PUT " + gh.workflowPath() + "/disable"));
        assertThat(rollback.steps()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("remove secret DEPLOY_KEY");
            assertThat(s.status()).isEqualTo("done");
        });
        assertThat(jdbc.queryForObject("SELECT steps::text FROM phase4_rollback_log WHERE id = ?", String.class,
                rollback.logId())).contains("kept (not allow-listed): 1").doesNotContain("remove secret NPM_TOKEN");
    }
}
