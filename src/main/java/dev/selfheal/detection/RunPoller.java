package dev.selfheal.detection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.github.GitHubApi;
import dev.selfheal.github.GitHubPaths;
import dev.selfheal.github.GitHubRateLimit;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.routes.ExchangeProperties;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The Quartz poll (detection-poll): per watched repository, list completed runs and hand on those updated after
 * the repository's watermark. The list URL only changes once a day (the {@code created} filter is a date), so
 * the ETag cache answers an idle poll with 304s that cost no rate limit.
 */
@Component("runPoller")
public class RunPoller {

    private static final String NEWEST = "pollNewestUpdate";

    private final List<String> repositories;
    private final int perPage;
    private final Duration firstLookback;
    private final JdbcTemplate jdbc;
    private final GitHubRateLimit rateLimit;

    public RunPoller(SelfhealProperties properties, PolicyFiles policies, JdbcTemplate jdbc,
            GitHubRateLimit rateLimit, @Value("${selfheal.detection.first-poll-lookback:PT1H}") Duration firstLookback) {
        this.repositories = properties.github().repositories();
        Integer pp = policies.detectionRules().poll().perPage();
        this.perPage = pp == null ? 100 : pp;
        this.jdbc = jdbc;
        this.rateLimit = rateLimit;
        this.firstLookback = firstLookback;
    }

    /** The repositories to poll now: none while GitHub's rate limit says wait. */
    public List<String> repositories() {
        return rateLimit.mayCall() ? repositories : List.of();
    }

    /** Route step per repository (the body): sets the list call. */
    public void prepare(Exchange exchange) {
        String repository = exchange.getMessage().getBody(String.class);
        exchange.setProperty(ExchangeProperties.REPOSITORY, repository);
        exchange.setProperty("seenBy", "poll");
        exchange.setProperty(GitHubApi.PATH, GitHubPaths.runs(repository));
        LocalDate since = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        exchange.setProperty(GitHubApi.QUERY, "status=completed&per_page=" + perPage + "&created=%3E%3D" + since);
        exchange.setProperty(GitHubApi.ITEMS_FIELD, "workflow_runs");
    }

    /**
     * After the list: the runs updated at or after the watermark, oldest first (the watermark moves in
     * {@link #advance}). At, not only after: GitHub's times have whole seconds, and a run of the watermark's second
     * may be listed only after the poll that set it; the runs of that second already handed on are dropped by the
     * once-per-attempt check.
     */
    public List<JsonNode> newRuns(Exchange exchange) {
        String repository = exchange.getProperty(ExchangeProperties.REPOSITORY, String.class);
        exchange.removeProperty(NEWEST);
        @SuppressWarnings("unchecked")
        List<JsonNode> runs = exchange.getMessage().getBody(List.class);
        if (runs == null || runs.isEmpty()) {
            return List.of();
        }
        Instant watermark = watermark(repository);
        List<JsonNode> fresh = runs.stream()
                .filter(r -> "completed".equals(r.path("status").asText()))
                .filter(r -> !updatedAt(r).isBefore(watermark))
                .sorted(Comparator.comparing(RunPoller::updatedAt))
                .toList();
        if (!fresh.isEmpty()) {
            exchange.setProperty(NEWEST, updatedAt(fresh.get(fresh.size() - 1)));
        }
        return fresh;
    }

    /**
     * After every new run was handed on: the watermark moves past them. Not before: a run whose hand-on failed
     * (database down) is listed again by the next poll, and the once-per-attempt check drops the others.
     */
    public void advance(Exchange exchange) {
        Instant newest = exchange.getProperty(NEWEST, Instant.class);
        if (newest == null) {
            return;
        }
        jdbc.update("""
                INSERT INTO phase4_poll_watermarks (repository, updated_at, polled_at) VALUES (?, ?, now())
                ON CONFLICT (repository) DO UPDATE SET updated_at = GREATEST(phase4_poll_watermarks.updated_at,
                    EXCLUDED.updated_at), polled_at = now()""",
                exchange.getProperty(ExchangeProperties.REPOSITORY, String.class), Timestamp.from(newest));
    }

    private Instant watermark(String repository) {
        List<Timestamp> found = jdbc.queryForList("SELECT updated_at FROM phase4_poll_watermarks WHERE repository = ?",
                Timestamp.class, repository);
        return found.isEmpty() ? Instant.now().minus(firstLookback) : found.get(0).toInstant();
    }

    private static Instant updatedAt(JsonNode run) {
        String t = run.path("updated_at").asText(null);
        return t == null ? Instant.EPOCH : Instant.parse(t);
    }
}
