package dev.selfheal.killswitch;

import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.github.GitHubApi;
import dev.selfheal.github.GitHubDeadLetter;
import dev.selfheal.github.GitHubWrites;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.reports.ReportLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.quartz.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The steps of routes/killswitch.yaml: what an engage stops (the routes of {@code targets} in
 * config/phase4-killswitch-rules.json that were running, their Quartz triggers paused), the in-flight re-runs it
 * cancels, the records (day log killswitch_log_YYYYMMDD.log, a {@code killswitch} event that the notification and
 * audit consumers turn into Slack, a GitHub issue and an audit ticket), the verification, and the release that
 * starts exactly what the engage stopped.
 */
@Component("killSwitchEffects")
public class KillSwitchEffects {

    public static final String STATE = "killswitchState";
    /**
     * Set on the switch's own writes (the cancel of a re-run, the disable/enable of a named workflow): the only
     * GitHub writes the gate lets through while engaged.
     */
    public static final String OWN_CANCEL = "killswitchOwnWrite";
    static final String CANCEL_RUN = "killswitchCancelRun";
    static final String WORKFLOW = "killswitchWorkflow";
    private static final Logger LOG = LoggerFactory.getLogger("selfheal.killswitch");

    private final CamelContext camel;
    private final KillSwitch killSwitch;
    private final PolicyFiles policies;
    private final JdbcTemplate jdbc;
    private final ReportLog reportLog;
    private final Outbox outbox;
    private final GitHubWrites writes;
    private final KillSwitchProperties properties;
    private final String issueRepository;

    public KillSwitchEffects(CamelContext camel, KillSwitch killSwitch, PolicyFiles policies, JdbcTemplate jdbc,
            ReportLog reportLog, Outbox outbox, GitHubWrites writes, KillSwitchProperties properties,
            SelfhealProperties selfheal) {
        this.camel = camel;
        this.killSwitch = killSwitch;
        this.policies = policies;
        this.jdbc = jdbc;
        this.reportLog = reportLog;
        this.outbox = outbox;
        this.writes = writes;
        this.properties = properties;
        String configured = properties.issueRepository();
        this.issueRepository = configured != null && !configured.isBlank() ? configured
                : selfheal.github().repositories().isEmpty() ? null : selfheal.github().repositories().get(0);
    }

    /** The route ids the targets name (a trailing or inner {@code *} matches any run of characters). */
    List<Route> targetRoutes() {
        List<String> patterns = policies.killSwitchRules().targets();
        return camel.getRoutes().stream().filter(r -> patterns.stream().anyMatch(p -> matches(p, r.getRouteId())))
                .filter(r -> !r.getRouteId().startsWith("killswitch-")).toList();
    }

    /** The ids of the routes an engage would stop now (for the dashboard). */
    public List<String> targetRouteIds() {
        return targetRoutes().stream().map(Route::getRouteId).sorted().toList();
    }

    static boolean matches(String pattern, String id) {
        return id.matches(java.util.regex.Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
    }

    /**
     * Route step: stops every target route that runs (after pausing its Quartz trigger), and also those the
     * engage stopped before a restart; the state (body) then lists them.
     */
    public KillSwitchState stopTargets(@ExchangeProperty(STATE) KillSwitchState s) throws Exception {
        List<String> routes = new ArrayList<>();
        List<String> triggers = new ArrayList<>();
        for (Route r : targetRoutes()) {
            String id = r.getRouteId();
            boolean running = camel.getRouteController().getRouteStatus(id) == ServiceStatus.Started;
            if (!running && !s.stoppedRoutes().contains(id)) {
                continue; // not ours to restore: it was not running when the switch engaged
            }
            if (r.getEndpoint() instanceof QuartzEndpoint quartz && running) {
                // paused in the shared job store (camel-quartz's own pause does nothing on a clustered store): the
                // switch is fleet-wide, so no instance of the cluster fires it until the release resumes it
                quartz.getComponent().getScheduler().pauseTrigger(quartz.getTriggerKey());
                triggers.add(quartz.getTriggerKey().toString());
            } else if (s.pausedTriggers().stream().anyMatch(t -> r.getEndpoint() instanceof QuartzEndpoint q
                    && t.equals(q.getTriggerKey().toString()))) {
                triggers.add(((QuartzEndpoint) r.getEndpoint()).getTriggerKey().toString());
            }
            if (running) {
                camel.getRouteController().stopRoute(id, 10, TimeUnit.SECONDS);
            }
            routes.add(id);
        }
        killSwitch.stopped(s.id(), routes, triggers, s.cancelledRuns());
        return s.withStopped(routes, triggers);
    }

    /** Route step: the re-runs Selfheal sent that have not completed yet (their run ids). */
    public List<Map<String, Object>> inFlightReruns() {
        return jdbc.queryForList("""
                SELECT DISTINCT repository, original_run_id AS run_id FROM phase4_retry_history
                 WHERE status = 'sent' AND completed_at IS NULL
                   AND requested_at > now() - make_interval(secs => ?)""",
                (double) properties.inFlightWindow().toSeconds());
    }

    /** Route step of one cancel: POST /repos/{o}/{r}/actions/runs/{id}/cancel, marked as the switch's own. */
    public void cancelCall(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, Object> run = exchange.getMessage().getBody(Map.class);
        long runId = ((Number) run.get("run_id")).longValue();
        exchange.setProperty(CANCEL_RUN, runId);
        exchange.setProperty(OWN_CANCEL, true);
        exchange.setProperty(GitHubApi.METHOD, "POST");
        exchange.setProperty(GitHubApi.PATH, "/repos/" + run.get("repository") + "/actions/runs/" + runId + "/cancel");
        exchange.getMessage().setBody(Map.of());
    }

    /** Route step after one cancel: recorded on the row and in the day log (a refusal was dead-lettered). */
    public void cancelled(Exchange exchange) {
        KillSwitchState s = exchange.getProperty(STATE, KillSwitchState.class);
        long runId = exchange.getProperty(CANCEL_RUN, Long.class);
        exchange.removeProperty(OWN_CANCEL);
        Object failure = exchange.getProperty(GitHubDeadLetter.FAILURE);
        if (failure == null && exchange.getProperty(GitHubApi.WITHHELD) == null) {
            killSwitch.cancelledRun(s.id(), runId);
            reportLog.append("killswitch", "kill switch cancelled in-flight re-run of run " + runId);
        } else {
            reportLog.append("killswitch", "kill switch could not cancel in-flight re-run of run " + runId + ": "
                    + (failure != null ? failure : "withheld (" + exchange.getProperty(GitHubApi.WITHHELD) + ")"));
        }
    }

    /** Route step: the scheduled workflows to disable (selfheal.killswitch.disable-workflows), on an engage. */
    public List<String> workflowsToDisable() {
        return properties.disableWorkflows();
    }

    /** Route step: the workflows the engage disabled, to enable again on its release. */
    public List<String> workflowsToEnable(@ExchangeProperty(STATE) KillSwitch.Release release) {
        return killSwitch.disabledWorkflows(release.engagement().id());
    }

    /** Route step of one workflow: PUT .../actions/workflows/{workflow}/{disable|enable}, the switch's own write. */
    public void workflowCall(Exchange exchange, @org.apache.camel.Body String workflow,
            @ExchangeProperty("killswitchWorkflowAction") String action) {
        int colon = workflow.lastIndexOf(':');
        exchange.setProperty(WORKFLOW, workflow);
        exchange.setProperty(OWN_CANCEL, true);
        exchange.setProperty(GitHubApi.METHOD, "PUT");
        exchange.setProperty(GitHubApi.PATH, "/repos/" + workflow.substring(0, colon) + "/actions/workflows/"
                + workflow.substring(colon + 1) + "/" + action);
        exchange.getMessage().setBody(Map.of());
    }

    /** Route step after one workflow call: recorded on the row (a disable) and in the day log. */
    public void workflowDone(Exchange exchange, @ExchangeProperty("killswitchWorkflowAction") String action) {
        String workflow = exchange.getProperty(WORKFLOW, String.class);
        exchange.removeProperty(OWN_CANCEL);
        Object failure = exchange.getProperty(GitHubDeadLetter.FAILURE);
        Object withheld = exchange.getProperty(GitHubApi.WITHHELD);
        if (failure == null && withheld == null) {
            if ("disable".equals(action)) {
                KillSwitchState s = exchange.getProperty(STATE, KillSwitchState.class);
                killSwitch.disabledWorkflow(s.id(), workflow);
            }
            reportLog.append("killswitch", "kill switch " + action + "d workflow " + workflow);
        } else {
            reportLog.append("killswitch", "kill switch could not " + action + " workflow " + workflow + ": "
                    + (failure != null ? failure : "withheld (" + withheld + ")"));
        }
    }

    /** Route step: the engage recorded (day log) and announced (Slack, GitHub issue, audit ticket). */
    public void recordEngaged(@ExchangeProperty(STATE) KillSwitchState s, @ExchangeProperty("killswitchRestart")
            Boolean restart) {
        KillSwitchState now = killSwitch.state();
        boolean again = Boolean.TRUE.equals(restart);
        effectsApplied = new Applied(s.id(), System.nanoTime());
        reportLog.append("killswitch", "kill switch " + (again ? "still ENGAGED after a restart" : "ENGAGED") + " by "
                + s.actor() + " (trigger " + s.trigger() + (s.conditionId() == null ? "" : ", condition "
                + s.conditionId()) + "): " + s.reason() + "; stopped routes " + now.stoppedRoutes()
                + ", paused Quartz triggers " + now.pausedTriggers() + ", cancelled re-runs " + now.cancelledRuns()
                + "; GitHub writes held back until released");
        if (again) {
            return; // announced when it engaged; the restart is in the day log
        }
        Map<String, Object> p = payload(now, "engaged");
        outbox.record("killswitch", issueRepository, null, null, p);
    }

    /**
     * When the effects of which engagement were applied (in this process), on the monotonic clock: a wall clock
     * set back or forward meanwhile neither hastens nor delays the verification.
     */
    private record Applied(long id, long atNanos) {
    }

    private volatile Applied effectsApplied;

    /**
     * Verification is due: engaged, not verified yet, and {@code verify-after} has passed since the effects of
     * this engagement were applied (in this process: after a restart they are applied and verified again).
     */
    public boolean verificationDue() {
        KillSwitchState s = killSwitch.state();
        Applied applied = effectsApplied;
        return s.engaged() && s.verification() == null && applied != null && applied.id() == s.id()
                && System.nanoTime() - applied.atNanos() > properties.verifyAfter().toNanos();
    }

    /**
     * Route step: every target route stopped, its Quartz trigger not firing, and no action write sent to GitHub
     * since the engage (counted in route github-call). Recorded on the row and in the day log; a failure is a
     * critical alert (a {@code killswitch} event, Slack and issue).
     */
    public String verify() throws Exception {
        KillSwitchState s = killSwitch.state();
        if (!s.engaged()) {
            return "released";
        }
        List<String> problems = new ArrayList<>();
        for (Route r : targetRoutes()) {
            ServiceStatus status = camel.getRouteController().getRouteStatus(r.getRouteId());
            if (status == ServiceStatus.Started || status == ServiceStatus.Starting) {
                problems.add("route " + r.getRouteId() + " is running");
            }
            // a trigger fires into its route only: those of routes the engage stopped must stay paused
            if (r.getEndpoint() instanceof QuartzEndpoint q && q.getComponent().getScheduler() != null
                    && s.pausedTriggers().contains(q.getTriggerKey().toString())) {
                Trigger.TriggerState ts = q.getComponent().getScheduler().getTriggerState(q.getTriggerKey());
                if (ts == Trigger.TriggerState.NORMAL) {
                    problems.add("Quartz trigger " + q.getTriggerKey() + " still fires");
                }
            }
        }
        // a write the gate let through before the engage may leave just after it (it was in flight); one it let
        // through after the engage, or one with no permit at all (the gate bypassed), is a failure
        GitHubWrites.Write last = writes.lastAction();
        if (last != null && last.at().isAfter(s.since())
                && (last.permittedAt() == null || last.permittedAt().isAfter(s.since()))) {
            problems.add("a GitHub write went out after the engage: " + last.method() + " " + last.path() + " at "
                    + last.at() + (last.permittedAt() == null ? " without the write gate's permit" : ""));
        }
        String result = problems.isEmpty() ? "passed" : "failed: " + String.join("; ", problems);
        killSwitch.verified(s.id(), result);
        if (problems.isEmpty()) {
            reportLog.append("killswitch", "kill switch verification passed: targets " + s.stoppedRoutes()
                    + " stopped, no GitHub write since " + s.since());
        } else {
            LOG.error("Kill switch verification FAILED: {}", result);
            reportLog.append("killswitch", "kill switch verification FAILED (critical): " + result);
            Map<String, Object> p = payload(killSwitch.state(), "verification_failed");
            p.put("verification", result);
            outbox.record("killswitch", issueRepository, null, null, p);
        }
        return result;
    }

    /** Route step of a release: starts exactly the routes the engage stopped and resumes their Quartz triggers. */
    public void restore(@ExchangeProperty(STATE) KillSwitch.Release release) throws Exception {
        KillSwitchState was = release.engagement();
        List<String> started = new ArrayList<>();
        for (String id : was.stoppedRoutes()) {
            Route r = camel.getRoute(id);
            if (r == null) {
                reportLog.append("killswitch", "kill switch release: route " + id + " no longer exists, not started");
                continue;
            }
            if (camel.getRouteController().getRouteStatus(id) != ServiceStatus.Started) {
                camel.getRouteController().startRoute(id);
            }
            if (r.getEndpoint() instanceof QuartzEndpoint q && was.pausedTriggers().contains(q.getTriggerKey().toString())) {
                q.getComponent().getScheduler().resumeTrigger(q.getTriggerKey());
            }
            started.add(id);
        }
        long pending = jdbc.queryForObject("SELECT count(*) FROM phase4_retry_history WHERE status = 'pending'",
                Long.class);
        reportLog.append("killswitch", "kill switch RELEASED by " + release.actor() + ": " + release.reason()
                + "; started routes " + started + ", resumed Quartz triggers " + was.pausedTriggers() + "; " + pending
                + " pending re-run(s) go out in due order, through the CI guard");
        Map<String, Object> p = payload(was, "released");
        p.put("releasedBy", release.actor());
        p.put("releaseReason", release.reason());
        p.put("pendingReruns", pending);
        outbox.record("killswitch", issueRepository, null, null, p);
    }

    private static Map<String, Object> payload(KillSwitchState s, String action) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("action", action);
        p.put("trigger", s.trigger());
        p.put("reason", s.reason());
        p.put("actor", s.actor());
        p.put("conditionId", s.conditionId());
        p.put("engagedAt", s.since() == null ? null : s.since().toString());
        p.put("stoppedRoutes", s.stoppedRoutes());
        p.put("pausedTriggers", s.pausedTriggers());
        p.put("cancelledRuns", s.cancelledRuns());
        return p;
    }
}
