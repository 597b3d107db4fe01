package dev.selfheal.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.SelfhealApplication;
import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.TestPolicies;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A broken policy file stops the service at start-up with one paragraph naming file, pointer and rule. */
@ExtendWith(OutputCaptureExtension.class)
class StartupRefusesBrokenPolicyTest {

    @Test
    void serviceDoesNotStartAndSaysWhichFileAndWhere(CapturedOutput output) {
        ExternalPostgres.ensureDatabase();
        Path config = TestPolicies.copy();
        TestPolicies.edit(config, PolicyFiles.RETRY, p -> ((ObjectNode) p.get("run")).put("maxAttempts", -1));

        assertThatThrownBy(() -> new SpringApplicationBuilder(SelfhealApplication.class)
                .profiles("test")
                .run("--server.port=0", "--selfheal.config-dir=" + config,
                        "--spring.datasource.url=" + ExternalPostgres.jdbcUrl(), "--spring.datasource.username=postgres"))
                .hasRootCauseInstanceOf(PolicyFileException.class)
                .rootCause().hasMessageContaining("phase4-retry-policy.json at /run/maxAttempts")
                .hasMessageContaining("(rule: minimum)");

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("Selfheal cannot start: invalid policy file " + config.resolve(PolicyFiles.RETRY)
                        + " at /run/maxAttempts");
    }
}
