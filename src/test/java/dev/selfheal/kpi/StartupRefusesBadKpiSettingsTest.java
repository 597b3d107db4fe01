package dev.selfheal.kpi;

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

/** A KPI window or target out of range stops the service at start-up, naming the property and what is wrong. */
@ExtendWith(OutputCaptureExtension.class)
class StartupRefusesBadKpiSettingsTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "selfheal.kpi.window-days|0|must be greater than or equal to 1",
            "selfheal.kpi.targets.healed-rate|2|must be less than or equal to 1"})
    void badValueStopsStartupNamingIt(String property, String value, String message, CapturedOutput output) {
        ExternalPostgres.ensureDatabase();

        assertThatThrownBy(() -> new SpringApplicationBuilder(SelfhealApplication.class).profiles("test")
                .run("--server.port=0", "--spring.datasource.url=" + ExternalPostgres.jdbcUrl(),
                        "--spring.datasource.username=postgres", "--" + property + "=" + value))
                .isNotNull();

        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START").contains(property)
                .contains(message);
    }
}
