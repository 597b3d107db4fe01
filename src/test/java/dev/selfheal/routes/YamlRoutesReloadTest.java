package dev.selfheal.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.test.SelfhealTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Operators edit routes/*.yaml while the service runs: a change is live without a restart, a broken file is
 * refused and the routes that were running keep running — also when it parses but names a bean that does not exist.
 */
@SelfhealTest
class YamlRoutesReloadTest {

    static Path routesDir;

    @DynamicPropertySource
    static void routes(DynamicPropertyRegistry registry) throws IOException {
        routesDir = Files.createTempDirectory("selfheal-routes");
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, routesDir.resolve(f.getFileName()));
            }
        }
        Files.writeString(routesDir.resolve("probe.yaml"), probe("v1"));
        registry.add("selfheal.routes-dir", routesDir::toString);
    }

    static String probe(String answer) {
        return """
                - route:
                    id: probe-answer
                    from:
                      uri: direct:probe
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(answer);
    }

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate template;

    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    @Test
    void changedRouteIsLiveWithoutRestartAndBrokenEditIsRefused() throws IOException {
        assertThat(template.requestBody("direct:probe", "", String.class)).isEqualTo("v1");
        RouteWatcherReloadStrategy reload = camel.hasService(ValidatingRouteReload.class);
        assertThat(reload).as("route reloading is on").isNotNull();

        Files.writeString(routesDir.resolve("probe.yaml"), probe("v2"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(template.requestBody("direct:probe", "", String.class)).isEqualTo("v2"));

        long failuresBefore = reload.getFailedCounter();
        Files.writeString(routesDir.resolve("probe.yaml"), probe("v3") + "      - to: {{{ not yaml\n  : :\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> reload.getFailedCounter() > failuresBefore);

        assertThat(template.requestBody("direct:probe", "", String.class)).as("old route still answers")
                .isEqualTo("v2");
        assertThat(camel.getRoute("github-call")).as("other modules untouched").isNotNull();
        assertThat(camel.getRouteController().getRouteStatus("github-call").isStarted()).isTrue();
    }

    @Test
    void anEditNamingAMissingBeanChangesNothing() throws Exception {
        int routesBefore = camel.getRoutes().size();
        assertThat(camel.getRoute("audit-ticket")).isNotNull();
        ValidatingRouteReload reload = camel.hasService(ValidatingRouteReload.class);
        String audit = Files.readString(routesDir.resolve("audit.yaml"));
        assertThat(audit).contains("ref: auditConsumer");

        try {
            Files.writeString(routesDir.resolve("audit.yaml"), audit.replaceFirst("ref: auditConsumer",
                    "ref: auditConsumerTypo"));
            await().atMost(Duration.ofSeconds(30)).until(() -> reload.lastResult() != null
                    && !reload.lastResult().applied());

            assertThat(reload.lastResult().problem()).contains("bean 'auditConsumerTypo' does not exist")
                    .startsWith("line ");
            assertThat(reload.lastResult().file()).contains("audit.yaml");
            assertThat(camel.getRoutes()).hasSize(routesBefore);
            assertThat(camel.getRoute("audit-ticket")).isNotNull();
            assertThat(camel.getRouteController().getRouteStatus("audit-ticket").isStarted()).isTrue();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE event_type = 'detection' AND "
                    + "payload->>'ruleId' = 'route-reload-refused' AND payload->>'problem' LIKE '%auditConsumerTypo%'",
                    Long.class)).isPositive();
        } finally {
            Files.writeString(routesDir.resolve("audit.yaml"), audit);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> reload.lastResult().applied());
        assertThat(camel.getRoutes()).hasSize(routesBefore);
    }
}
