package dev.selfheal.detection;

import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.routes.ValidatingRouteReload;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Watches {@code selfheal.routes-dir} for edits (instead of Camel's own watcher, which removes a file's routes
 * before it knows the new ones can run). A refused edit is a detection event, so operators are notified.
 */
@Configuration(proxyBeanMethods = false)
public class RouteReloadWatch {

    @Bean
    ValidatingRouteReload validatingRouteReload(SelfhealProperties properties, Outbox outbox) {
        return new ValidatingRouteReload(properties.routesDir().toAbsolutePath().toString(), refused -> {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("ruleId", "route-reload-refused");
            payload.put("type", "route file not reloaded: " + refused.file());
            payload.put("file", refused.file());
            payload.put("problem", refused.problem());
            payload.put("action", "the running routes were kept");
            outbox.record("detection", null, null, null, payload);
        });
    }

    @Bean
    CamelContextConfiguration routeReloadInstaller(ValidatingRouteReload reload) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                try {
                    camel.addService(reload);
                } catch (Exception e) {
                    throw new IllegalStateException("route reloading could not be set up: " + e.getMessage(), e);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // nothing: the watcher started with the context
            }
        };
    }
}
