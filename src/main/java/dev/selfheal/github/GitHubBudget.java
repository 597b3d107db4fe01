package dev.selfheal.github;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jakarta.annotation.PreDestroy;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The history of GitHub's API budget (phase4_github_budget): every answer GitHub gives is counted in memory per
 * identity (the token, the App, an App installation), rate-limit resource and GitHub's hour window, with the lowest {@code X-RateLimit-Remaining} seen;
 * route {@code github-budget-record} adds the counts to the table once a minute (not a write per call), and
 * the last counts are written at shutdown. The KPI {@code github_budget} reads it.
 */
@Component("gitHubBudget")
public class GitHubBudget {

    /** One row's key: who spent (token, app, installation:owner), which resource, which hour window. */
    record Window(String identity, String resource, Instant reset) {
    }

    /** What was counted for a window since the last write. */
    static final class Counts {
        Integer limit;
        Integer minRemaining;
        long requests;
        long notModified;
        long rateLimited;
        Instant firstSeen;
        Instant lastSeen;
    }

    private static final Logger LOG = LoggerFactory.getLogger(GitHubBudget.class);
    // an answer without X-RateLimit-Reset (a 5xx, some redirects) is counted in the hour it arrived
    private static final long HOUR = 3600;

    private final JdbcTemplate jdbc;
    private final Map<Window, Counts> pending = new ConcurrentHashMap<>();

    public GitHubBudget(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Who a call was made as: GitHub keeps a budget for each token, the App and each App installation. */
    static String identityOf(Exchange exchange) {
        if (exchange.getProperty(GitHubAppTokens.AS_APP, false, Boolean.class)) {
            return "app";
        }
        String owner = exchange.getProperty(GitHubAppTokens.OWNER, String.class);
        return owner == null ? "token" : "installation:" + owner;
    }

    /** Counts one answer GitHub gave (any status); {@code status} may be null when the answer had no headers. */
    public void answered(Exchange exchange, RateLimitStatus status, String resource, int httpStatus,
            boolean rateLimited) {
        Instant now = Instant.now();
        Instant reset = status != null && status.reset() != null ? status.reset()
                : Instant.ofEpochSecond((now.getEpochSecond() / HOUR + 1) * HOUR);
        Window window = new Window(identityOf(exchange), resource == null || resource.isBlank() ? "core"
                : resource.trim().toLowerCase(), reset);
        pending.compute(window, (w, c) -> {
            Counts counts = c == null ? new Counts() : c;
            counts.requests++;
            if (httpStatus == 304) {
                counts.notModified++;
            }
            if (rateLimited) {
                counts.rateLimited++;
            }
            if (status != null && status.limit() != null) {
                counts.limit = status.limit();
            }
            if (status != null && status.remaining() != null) {
                counts.minRemaining = counts.minRemaining == null ? status.remaining()
                        : Math.min(counts.minRemaining, status.remaining());
            }
            if (counts.firstSeen == null) {
                counts.firstSeen = now;
            }
            counts.lastSeen = now;
            return counts;
        });
    }

    /** Route step of github-budget-record: adds what was counted to the table; returns the windows written. */
    public int record() {
        List<Object[]> rows = new ArrayList<>();
        for (Window window : List.copyOf(pending.keySet())) {
            Counts c = pending.remove(window);
            if (c == null) {
                continue;
            }
            rows.add(new Object[] {window.identity(), window.resource(), Timestamp.from(window.reset()), c.limit,
                c.minRemaining, c.requests, c.notModified, c.rateLimited, Timestamp.from(c.firstSeen),
                Timestamp.from(c.lastSeen)});
        }
        if (rows.isEmpty()) {
            return 0;
        }
        jdbc.batchUpdate("""
                INSERT INTO phase4_github_budget (identity, resource, window_reset, rate_limit, min_remaining,
                    requests, not_modified, rate_limited, first_seen_at, last_seen_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (identity, resource, window_reset) DO UPDATE SET
                    rate_limit = coalesce(EXCLUDED.rate_limit, phase4_github_budget.rate_limit),
                    min_remaining = least(phase4_github_budget.min_remaining, EXCLUDED.min_remaining),
                    requests = phase4_github_budget.requests + EXCLUDED.requests,
                    not_modified = phase4_github_budget.not_modified + EXCLUDED.not_modified,
                    rate_limited = phase4_github_budget.rate_limited + EXCLUDED.rate_limited,
                    first_seen_at = least(phase4_github_budget.first_seen_at, EXCLUDED.first_seen_at),
                    last_seen_at = greatest(phase4_github_budget.last_seen_at, EXCLUDED.last_seen_at)
                """, rows);
        return rows.size();
    }

    @PreDestroy
    void recordAtShutdown() {
        try {
            record();
        } catch (RuntimeException e) {
            // the database may already be gone at shutdown: the last minute's counts are lost, nothing else
            LOG.warn("GitHub budget counts of the last minute not recorded at shutdown: {}", e.getMessage());
        }
    }
}
