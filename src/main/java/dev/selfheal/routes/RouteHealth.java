package dev.selfheal.routes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health of the routes ("routes" in /actuator/health), instead of Camel's route checks, which call any stopped
 * route DOWN: a route an operator stopped or suspended, or one configured not to start, is a decision and stays
 * UP with who and when in {@code stoppedRoutes}; a route that is not running for any other reason is DOWN.
 * {@code lastReload} says whether the last edit of a route file was applied or refused, and why.
 */
@Component("routes")
public class RouteHealth implements HealthIndicator {

    private final CamelContext camel;
    private final RouteStops stops;
    private final ValidatingRouteReload reload;

    public RouteHealth(CamelContext camel, RouteStops stops, ValidatingRouteReload reload) {
        this.camel = camel;
        this.stops = stops;
        this.reload = reload;
    }

    @Override
    public Health health() {
        Map<String, RouteStops.Stop> deliberate = stops.deliberate();
        List<Map<String, Object>> stopped = new ArrayList<>();
        List<String> down = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            String id = route.getRouteId();
            ServiceStatus status = camel.getRouteController().getRouteStatus(id);
            if (status == null || status.isStarted()) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("route", id);
            entry.put("status", status.name());
            RouteStops.Stop stop = deliberate.get(id);
            if (stop != null) {
                entry.put("by", stop.by());
                entry.put("at", stop.at().toString());
            } else if (status == ServiceStatus.Suspended) {
                // Camel announces no event for a suspension, and only a caller of suspend() makes one
                entry.put("by", "JMX (suspended)");
            } else if (!route.isAutoStartup()) {
                entry.put("by", "configuration (autoStartup false)");
            } else {
                down.add(id);
                continue;
            }
            stopped.add(entry);
        }
        Health.Builder health = down.isEmpty() ? Health.up() : Health.down().withDetail("notRunning", down);
        return health.withDetail("routes", camel.getRoutes().size()).withDetail("stoppedRoutes", stopped)
                .withDetail("lastReload", reload.describe()).build();
    }
}
