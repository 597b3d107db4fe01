package dev.selfheal.routes;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.selfheal.SelfhealApplication;
import dev.selfheal.test.ExternalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A broken YAML route at start-up stops the service, naming the file, the line and the column. */
@ExtendWith(OutputCaptureExtension.class)
class StartupRefusesBrokenRouteTest {

    @Test
    void brokenYamlStopsStartupNamingFileLineAndColumn(CapturedOutput output) throws Exception {
        ExternalPostgres.ensureDatabase();
        Path routes = Files.createTempDirectory("selfheal-broken-routes");
        Files.writeString(routes.resolve("retry.yaml"), """
                - route:
                    id: retry-broken
                    from:
                      uri: direct:x
                      steps:
                        - setBody:
                            constant: "a"
                         - log: "misindented"
                """);

        assertThatThrownBy(() -> new SpringApplicationBuilder(SelfhealApplication.class)
                .profiles("test")
                .run("--server.port=0", "--selfheal.routes-dir=" + routes,
                        "--spring.datasource.url=" + ExternalPostgres.jdbcUrl(), "--spring.datasource.username=postgres"))
                .satisfies(e -> {
                    Throwable t = e;
                    StringBuilder all = new StringBuilder();
                    while (t != null) {
                        all.append(t.getMessage()).append('\n');
                        t = t.getCause();
                    }
                    org.assertj.core.api.Assertions.assertThat(all.toString())
                            .contains("retry.yaml")
                            .containsPattern("line \\d+")
                            .containsPattern("column \\d+");
                });
        org.assertj.core.api.Assertions.assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("Selfheal cannot start: a route file is broken.")
                .containsPattern("retry.yaml, line \\d+, column \\d+");
    }
}
