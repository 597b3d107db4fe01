package dev.selfheal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.selfheal.SelfhealApplication;
import dev.selfheal.test.ExternalPostgres;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A bad selfheal.* value stops the service at start-up with a message naming the property and what is wrong. */
@ExtendWith(OutputCaptureExtension.class)
class StartupRefusesBadPropertiesTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "selfheal.github.repositories|acme|must be owner/repo",
            "selfheal.github.api-url|ht tp://bad url|selfheal.github.api-url",
            "selfheal.scheduling.dispatches|acme/api nightly|is not owner/repo:workflow@ref",
            "selfheal.rollback.mode|acts|must be dry-run or act",
            "selfheal.rollback.removable-secrets|DEPLOY KEY|must be a GitHub secret name"})
    void badValueStopsStartupNamingIt(String property, String value, String message, CapturedOutput output) {
        ExternalPostgres.ensureDatabase();

        assertThatThrownBy(() -> new SpringApplicationBuilder(SelfhealApplication.class).profiles("test")
                .run("--server.port=0", "--spring.datasource.url=" + ExternalPostgres.jdbcUrl(),
                        "--spring.datasource.username=postgres", "--" + property + "=" + value))
                .isNotNull();

        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START").contains(message);
    }
}
