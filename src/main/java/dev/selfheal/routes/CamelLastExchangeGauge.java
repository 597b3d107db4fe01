package dev.selfheal.routes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Registers Camel's {@code camel.exchanges.last.timestamp} gauge before the first exchange. camel-micrometer 4.14
 * registers it lazily in every exchange's completion ({@code find()} then {@code register()}, unsynchronized), so
 * the first exchanges completing together at start-up race, and Micrometer warns "This Gauge has been already
 * registered". Registered here once, on the notifier's own static holder, the notifier's {@code find()} always
 * finds it and the value is the one Camel keeps. If a later camel-micrometer renames the holder, nothing is
 * registered here and Camel's lazy registration works as before.
 */
@Component
public class CamelLastExchangeGauge implements MeterBinder {

    static final String NAME = "camel.exchanges.last.timestamp";
    private static final Logger LOG = LoggerFactory.getLogger(CamelLastExchangeGauge.class);

    @Override
    public void bindTo(MeterRegistry registry) {
        AtomicLong holder = camelsHolder();
        if (holder != null && registry.find(NAME).gauge() == null) {
            Gauge.builder(NAME, holder, AtomicLong::get)
                    .description("Last exchange processed time in milliseconds since the Unix epoch")
                    .register(registry);
        }
    }

    static AtomicLong camelsHolder() {
        try {
            Field f = MicrometerExchangeEventNotifier.class.getDeclaredField("lastExchangeTimestampHolder");
            f.setAccessible(true);
            return (AtomicLong) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException changed) {
            LOG.debug("camel-micrometer keeps no lastExchangeTimestampHolder: its own gauge registration is used",
                    changed);
            return null;
        }
    }
}
