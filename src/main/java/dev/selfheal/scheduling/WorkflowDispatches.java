package dev.selfheal.scheduling;

import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.github.GitHubApi;
import dev.selfheal.github.GitHubDeadLetter;
import dev.selfheal.github.GitHubPaths;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.routes.ExchangeProperties;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Scheduling Layer: workflow_dispatch self-triggers ({@code selfheal.scheduling.dispatches}, entries
 * {@code owner/repo:workflow@ref}, workflow = file name or id) fired by Quartz, and reprocessing dispatches. The
 * 422 "Workflow does not have 'workflow_dispatch' trigger" is a configuration error: never retried,
 * recorded (dead_letter event) with the fix.
 */
@Component("workflowDispatches")
public class WorkflowDispatches {

    private static final Pattern TARGET = Pattern.compile("([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+):([^@\\s]+)@(\\S+)");

    public record Target(String repository, String workflow, String ref) {
    }

    private final List<Target> targets;
    private final ReportLog reportLog;

    public WorkflowDispatches(SelfhealProperties properties, ReportLog reportLog) {
        this.reportLog = reportLog;
        // validated when bound (SelfhealProperties.Scheduling): a bad entry stops start-up naming it
        this.targets = properties.scheduling().dispatches().stream().map(String::trim).filter(s -> !s.isEmpty())
                .map(WorkflowDispatches::parse).toList();
    }

    static Target parse(String text) {
        Matcher m = TARGET.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("selfheal.scheduling.dispatches: '" + text
                    + "' is not owner/repo:workflow@ref (e.g. acme/api:nightly.yml@main)");
        }
        return new Target(m.group(1), m.group(2), m.group(3));
    }

    /**
     * "workflow 401 (workflow id)" or "workflow nightly.yml (workflow file)": a bare "dispatch of 401" read like an
     * HTTP status.
     */
    static String describe(Target t) {
        return "workflow " + t.workflow() + (t.workflow().matches("\\d+") ? " (workflow id)" : " (workflow file)");
    }

    public List<Target> targets() {
        return targets;
    }

    /** Route step: the body (a Target or its text) becomes the dispatch call. */
    public void prepare(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        Target t = body instanceof Target target ? target : parse(exchange.getMessage().getBody(String.class));
        exchange.setProperty(ExchangeProperties.REPOSITORY, t.repository());
        exchange.setProperty("dispatchTarget", t);
        exchange.setProperty(GitHubApi.METHOD, "POST");
        exchange.setProperty(GitHubApi.PATH, GitHubPaths.workflowDispatches(t.repository(), t.workflow()));
        exchange.getMessage().setBody(Map.of("ref", t.ref()));
    }

    /** Route step after the call: logs the outcome (a refusal was already dead-lettered with its fix). */
    public String result(Exchange exchange) {
        Target t = exchange.getProperty("dispatchTarget", Target.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = exchange.getProperty(GitHubDeadLetter.FAILURE, Map.class);
        String withheld = exchange.getProperty(GitHubApi.WITHHELD, String.class);
        if (withheld != null) {
            reportLog.append("detection", "dispatch of " + describe(t) + " on " + t.repository() + "@" + t.ref()
                    + " not sent: held back (" + withheld + ")");
            return "withheld";
        }
        String line = failure == null
                ? "dispatched " + describe(t) + " on " + t.repository() + "@" + t.ref()
                : "dispatch of " + describe(t) + " on " + t.repository() + "@" + t.ref() + " refused: HTTP "
                        + failure.get("status")
                        + " " + failure.get("category") + ": " + failure.get("message") + " -> fix: "
                        + failure.get("fix");
        reportLog.append("detection", line);
        return failure == null ? "dispatched" : "refused";
    }
}
