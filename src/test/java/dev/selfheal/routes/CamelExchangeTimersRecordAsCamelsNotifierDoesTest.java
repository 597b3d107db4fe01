package dev.selfheal.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The exchange notifier Selfheal installs records what camel-micrometer's own does: a timer per endpoint exchanges
 * were sent to and completed from, and the last-exchange time on Camel's gauge.
 */
class CamelExchangeTimersRecordAsCamelsNotifierDoesTest {

    @Test
    void eachCompletedExchangeIsTimedAndStampsTheLastExchangeGauge() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new CamelLastExchangeGauge().bindTo(registry);
        Gauge last = registry.find(CamelLastExchangeGauge.NAME).gauge();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            new CamelExchangeTimers(registry).beforeApplicationStart(camel);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:tick").routeId("tick").to("log:tock?level=OFF");
                }
            });
            camel.start();
            long before = System.currentTimeMillis();
            for (int i = 0; i < 3; i++) {
                camel.createProducerTemplate().sendBody("direct:tick", "x");
            }
            Timer completed = registry.find("camel.exchange.event.notifier").tag("endpointName", "direct://tick")
                    .timer();
            assertThat(completed).as("the route's exchanges, timed from creation to completion").isNotNull();
            assertThat(completed.count()).isEqualTo(3);
            Timer sent = registry.find("camel.exchange.event.notifier").tag("endpointName", "log://tock").timer();
            assertThat(sent).as("the sends to the log endpoint").isNotNull();
            assertThat(sent.count()).isEqualTo(3);
            assertThat(last.value()).isGreaterThanOrEqualTo(before);
        }
        assertThat(registry.find(CamelLastExchangeGauge.NAME).gauges()).hasSize(1);
    }
}
