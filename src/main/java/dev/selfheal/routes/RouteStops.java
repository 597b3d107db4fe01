package dev.selfheal.routes;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.RouteEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Who stopped which route, and when: Hawtio and Jolokia stop a route in the operator's own request
 * thread, so the login is known when Camel says the route stopped. A route stopped this way is an operator's
 * decision (the kill switch), which {@link RouteHealth} reports as a detail, not as ill health.
 */
@Component
public class RouteStops extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RouteStops.class);

    /** One deliberate stop: the login (or "JMX" without one), what was done, when. */
    public record Stop(String by, String action, Instant at) {
    }

    private final Map<String, Stop> stopped = new ConcurrentHashMap<>();

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof RouteEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof RouteEvent routeEvent) || getCamelContext() == null
                || !getCamelContext().isStarted() || getCamelContext().isStopping()
                || ValidatingRouteReload.reloadingInThisThread()) {
            return; // the service starting, stopping or swapping an edited file's routes is nobody's decision
        }
        String route = routeEvent.getRoute().getRouteId();
        switch (event.getType()) {
            case RouteStopped -> {
                Stop stop = new Stop(currentLogin(), "stopped", Instant.now());
                stopped.put(route, stop);
                LOG.info("Route {} stopped by {}", route, stop.by());
            }
            case RouteStarted -> {
                if (stopped.remove(route) != null) {
                    LOG.info("Route {} started by {}", route, currentLogin());
                }
            }
            default -> {
                // added/removed/reloaded routes are the reload's business
            }
        }
    }

    /** Routes stopped by an operator, by route id. */
    public Map<String, Stop> deliberate() {
        return Map.copyOf(stopped);
    }

    private static String currentLogin() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() ? "JMX" : auth.getName();
    }
}
