package dev.selfheal.killswitch;

import dev.selfheal.github.GitHubApi;
import dev.selfheal.github.GitHubWrites;
import dev.selfheal.mode.OperatingMode;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.routes.ExchangeProperties;
import dev.selfheal.sanitize.Sanitizer;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The one write gate, the first step of route github-call. A read always passes. A write (POST, PUT, PATCH,
 * DELETE) is held back while the kill switch is engaged, except the switch's own cancel of a re-run and the
 * notification routes' issues and comments (how people hear about it): it is not sent, it is recorded in
 * {@code phase4_withheld_writes} with what it would have done, counted, and the caller finds
 * {@link GitHubApi#WITHHELD} instead of an answer or a failure. In observe mode ({@link OperatingMode}) every
 * write is held back the same way, notifications' issues too (observe sends no GitHub write at all). A write that passes carries a permit, which
 * {@link GitHubWrites} counts when it goes out.
 */
@Component("gitHubWriteGate")
public class WriteGate {

    private final KillSwitch killSwitch;
    private final OperatingMode mode;
    private final JdbcTemplate jdbc;
    private final ReportLog reportLog;
    private final AtomicLong withheldByKillSwitch = new AtomicLong();

    private final Sanitizer sanitizer;

    public WriteGate(KillSwitch killSwitch, OperatingMode mode, JdbcTemplate jdbc, ReportLog reportLog,
            Sanitizer sanitizer) {
        this.sanitizer = sanitizer;
        this.killSwitch = killSwitch;
        this.mode = mode;
        this.jdbc = jdbc;
        this.reportLog = reportLog;
    }

    /** Route step: lets the call through (with its permit) or holds it back. */
    public void check(Exchange exchange) {
        exchange.removeProperty(GitHubApi.WITHHELD);
        exchange.removeProperty(GitHubApi.WRITE_PERMIT);
        exchange.removeProperty(GitHubApi.WRITE_PERMITTED_AT);
        String method = exchange.getProperty(GitHubApi.METHOD, "GET", String.class).toUpperCase();
        if (method.equals("GET") || method.equals("HEAD")) {
            return;
        }
        if (exchange.getProperty(GitHubApi.PATH, "", String.class).matches("/app/installations/\\d+/access_tokens")) {
            // a GitHub App's token request changes nothing on GitHub: every other call, reads included, needs it
            exchange.setProperty(GitHubApi.WRITE_PERMIT, GitHubWrites.AUTHENTICATION);
            exchange.setProperty(GitHubApi.WRITE_PERMITTED_AT, java.time.Instant.now());
            return;
        }
        String route = exchange.getFromRouteId();
        boolean notification = route != null && (route.startsWith("notification-") || route.startsWith("audit-"));
        boolean ownCancel = exchange.getProperty(KillSwitchEffects.OWN_CANCEL, false, Boolean.class);
        if (!notification && !ownCancel && killSwitch.engagedAnywhere()) {
            withhold(exchange, "killswitch", method, route);
            return;
        }
        if (mode.observe()) {
            withhold(exchange, OperatingMode.OBSERVE, method, route);
            return;
        }
        exchange.setProperty(GitHubApi.WRITE_PERMIT, ownCancel ? GitHubWrites.KILLSWITCH
                : notification ? GitHubWrites.NOTIFICATION : GitHubWrites.ACTION);
        exchange.setProperty(GitHubApi.WRITE_PERMITTED_AT, java.time.Instant.now());
    }

    private void withhold(Exchange exchange, String by, String method, String route) {
        String path = sanitizer.sanitize(exchange.getProperty(GitHubApi.PATH, "", String.class));
        String decision = decision(method, path);
        String repository = exchange.getProperty(ExchangeProperties.REPOSITORY, String.class);
        Long runId = exchange.getProperty(ExchangeProperties.RUN_ID, Long.class);
        jdbc.update("INSERT INTO phase4_withheld_writes (withheld_by, method, path, decision, route, repository, run_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", by, method, path, decision, route, repository, runId);
        if ("killswitch".equals(by)) {
            withheldByKillSwitch.incrementAndGet();
            reportLog.append("killswitch", decision + ": " + method + " " + path + " held back (kill switch engaged)");
        } else {
            mode.countWithheld();
            reportLog.append("observe", decision + ": " + method + " " + path + " not sent (observe mode)"
                    + (runId == null ? "" : ", run " + repository + "#" + runId));
        }
        exchange.setProperty(GitHubApi.WITHHELD, by);
        exchange.setProperty(GitHubApi.STATUS, null);
        exchange.getMessage().setBody("");
    }

    /** What the write would have done, in the words of the records ("would re-run", "would roll back", ...). */
    static String decision(String method, String path) {
        if (path.endsWith("/rerun-failed-jobs") || path.endsWith("/rerun")) {
            return "would re-run";
        }
        if (path.endsWith("/disable") || path.contains("/secrets/")) {
            return "would roll back";
        }
        if (path.endsWith("/dispatches")) {
            return "would dispatch a workflow";
        }
        if (path.endsWith("/cancel")) {
            return "would cancel a run";
        }
        if (path.contains("/issues")) {
            return path.endsWith("/comments") ? "would comment on an issue" : "would open an issue";
        }
        return "would " + method + " " + path;
    }

    /** Writes held back since the start because the kill switch was engaged. */
    public long withheldByKillSwitch() {
        return withheldByKillSwitch.get();
    }
}
