package dev.selfheal.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Camel's last-exchange gauge exists before the first exchange (so the exchanges completing together at start-up
 * cannot race to register it) and shows the time Camel's notifier records.
 */
class CamelLastExchangeGaugeIsRegisteredOnceTest {

    @Test
    void theGaugeIsThereBeforeAnyExchangeAndFollowsCamelsClock() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new CamelLastExchangeGauge().bindTo(registry);
        Gauge gauge = registry.find(CamelLastExchangeGauge.NAME).gauge();
        assertThat(gauge).as("registered before any exchange").isNotNull();

        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            MicrometerExchangeEventNotifier notifier = new MicrometerExchangeEventNotifier();
            notifier.setMeterRegistry(registry);
            camel.getManagementStrategy().addEventNotifier(notifier);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:tick").routeId("tick").log("tick");
                }
            });
            camel.start();
            long before = System.currentTimeMillis();
            camel.createProducerTemplate().sendBody("direct:tick", "x");
            assertThat(gauge.value()).isGreaterThanOrEqualTo(before);
        }
        assertThat(registry.find(CamelLastExchangeGauge.NAME).gauges()).hasSize(1);
        AtomicLong holder = CamelLastExchangeGauge.camelsHolder();
        assertThat(holder).isNotNull();
    }
}
