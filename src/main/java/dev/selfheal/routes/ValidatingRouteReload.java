package dev.selfheal.routes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.ExpressionNode;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.model.language.MethodCallExpression;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live reload of {@code routes/*.yaml}, all or nothing per file: the edited file is parsed and checked first —
 * every bean it names exists, every endpoint's component resolves, no route id clashes with another file — and
 * only then does Camel swap the file's routes. A refused edit changes nothing: the running routes stay, one
 * paragraph in the log names the file, line and problem, and {@link #lastResult()} (health detail) says so.
 */
public class ValidatingRouteReload extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(ValidatingRouteReload.class);

    /** The last reload: file, outcome, what was wrong (null when it went through), when. */
    public record Result(String file, boolean applied, String problem, Instant at) {
    }

    // routes stopped and started while a file's routes are swapped are nobody's decision (RouteStops)
    private static final ThreadLocal<Boolean> RELOADING = new ThreadLocal<>();

    private volatile Result last;
    private final Consumer<Result> refused;

    public ValidatingRouteReload(String folder, Consumer<Result> refused) {
        super(folder, false);
        setPattern("*.yaml");
        // only the edited file's routes are swapped, never every route
        setRemoveAllRoutes(false);
        this.refused = refused;
    }

    static boolean reloadingInThisThread() {
        return Boolean.TRUE.equals(RELOADING.get());
    }

    public Result lastResult() {
        return last;
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        if (resources == null || resources.isEmpty()) {
            super.onRouteReload(resources, removeEverything);
            return;
        }
        String file = resources.stream().map(Resource::getLocation).reduce((a, b) -> a + ", " + b).orElse("?");
        if (resources.stream().allMatch(ValidatingRouteReload::isEmpty)) {
            return; // an editor truncates before it writes: the next change event brings the content
        }
        String problem;
        try {
            problem = problemIn(resources);
        } catch (Exception e) {
            problem = String.valueOf(e.getMessage()).lines().limit(6).reduce((a, b) -> a + " " + b.strip()).orElse("");
        }
        if (problem != null) {
            last = new Result(file, false, problem, Instant.now());
            incFailedCounter();
            LOG.warn("Route file {} was NOT reloaded: {}. The routes that were running keep running; fix the file "
                    + "and save it again.", file, problem);
            refused.accept(last);
            return;
        }
        RELOADING.set(true);
        try {
            super.onRouteReload(resources, removeEverything);
        } finally {
            RELOADING.remove();
        }
        last = new Result(file, true, null, Instant.now());
    }

    private static boolean isEmpty(Resource resource) {
        try (var in = resource.getInputStream()) {
            return in == null || in.read() == -1;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** What is wrong with the edited files, or null. Parses them into route models without adding any route. */
    String problemIn(Collection<Resource> resources) throws Exception {
        CamelContext camel = getCamelContext();
        Set<String> ids = new HashSet<>();
        Set<String> locations = new HashSet<>();
        resources.forEach(r -> locations.add(r.getLocation()));
        for (RoutesBuilder builder : PluginHelper.getRoutesLoader(camel).findRoutesBuilders(resources)) {
            if (!(builder instanceof RouteBuilder routes)) {
                continue;
            }
            routes.setCamelContext(camel);
            routes.configure();
            for (RouteDefinition route : routes.getRouteCollection().getRoutes()) {
                String id = route.getRouteId();
                if (id != null && !ids.add(id)) {
                    return where(route) + "route id " + id + " appears twice";
                }
                Route running = id == null ? null : camel.getRoute(id);
                if (running != null && running.getSourceResource() != null
                        && !locations.contains(running.getSourceResource().getLocation())) {
                    return where(route) + "route id " + id + " is already used by "
                            + running.getSourceResource().getLocation();
                }
                String endpoint = route.getInput() == null ? null : route.getInput().getEndpointUri();
                String bad = endpointProblem(camel, endpoint);
                if (bad != null) {
                    return where(route) + bad;
                }
                for (ProcessorDefinition<?> step : steps(route)) {
                    String p = stepProblem(camel, step);
                    if (p == null && step instanceof org.apache.camel.model.ChoiceDefinition choice) {
                        for (var when : choice.getWhenClauses()) {
                            p = p != null ? p : expressionProblem(camel, when.getExpression());
                        }
                    }
                    if (p != null) {
                        return where(step) + p;
                    }
                }
            }
        }
        return null;
    }

    private static String stepProblem(CamelContext camel, ProcessorDefinition<?> step) {
        if (step instanceof BeanDefinition bean && bean.getRef() != null && !bean.getRef().contains("{{")
                && camel.getRegistry().lookupByName(bean.getRef()) == null) {
            return "bean '" + bean.getRef() + "' does not exist";
        }
        if (step instanceof SendDefinition<?> send) {
            return endpointProblem(camel, send.getEndpointUri());
        }
        if (step instanceof ExpressionNode node) {
            return expressionProblem(camel, node.getExpression());
        }
        return null;
    }

    private static String expressionProblem(CamelContext camel, ExpressionDefinition expression) {
        if (expression instanceof MethodCallExpression method && method.getRef() != null
                && !method.getRef().contains("{{") && camel.getRegistry().lookupByName(method.getRef()) == null) {
            return "bean '" + method.getRef() + "' (method call) does not exist";
        }
        return null;
    }

    private static String endpointProblem(CamelContext camel, String uri) {
        if (uri == null || uri.startsWith("{{") || !uri.contains(":")) {
            return null;
        }
        String scheme = uri.substring(0, uri.indexOf(':'));
        if (scheme.contains("{{") || scheme.contains("$")) {
            return null;
        }
        return camel.getComponent(scheme, true) == null ? "no component for endpoint '" + uri + "'" : null;
    }

    /** Every step of a route, nested ones included. */
    private static List<ProcessorDefinition<?>> steps(RouteDefinition route) {
        List<ProcessorDefinition<?>> all = new ArrayList<>();
        collect(route.getOutputs(), all);
        return all;
    }

    private static void collect(List<ProcessorDefinition<?>> outputs, List<ProcessorDefinition<?>> all) {
        if (outputs == null) {
            return;
        }
        for (ProcessorDefinition<?> step : outputs) {
            all.add(step);
            collect(step.getOutputs(), all);
            if (step instanceof org.apache.camel.model.ChoiceDefinition choice) {
                choice.getWhenClauses().forEach(w -> collect(w.getOutputs(), all));
                if (choice.getOtherwise() != null) {
                    collect(choice.getOtherwise().getOutputs(), all);
                }
            }
        }
    }

    private static String where(NamedNode node) {
        return node.getLineNumber() > 0 ? "line " + node.getLineNumber() + ": " : "";
    }

    /** For the health detail. */
    public Map<String, Object> describe() {
        Result r = last;
        Map<String, Object> m = new LinkedHashMap<>();
        if (r == null) {
            m.put("result", "no reload since start");
            return m;
        }
        m.put("file", r.file());
        m.put("result", r.applied() ? "applied" : "refused");
        if (r.problem() != null) {
            m.put("problem", r.problem());
        }
        m.put("at", r.at().toString());
        return m;
    }
}
