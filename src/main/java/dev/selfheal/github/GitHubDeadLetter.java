package dev.selfheal.github;

import dev.selfheal.outbox.Outbox;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.policy.RetryPolicy;
import dev.selfheal.routes.ExchangeProperties;
import dev.selfheal.sanitize.Sanitizer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The dead-letter channel for GitHub calls that a retry cannot fix (422, 403 permission, 404) or whose
 * redeliveries ran out: names the failure (status code, category, GitHub's message, the call), records a
 * {@code dead_letter} event for notification and audit, and leaves the failure on the exchange as
 * {@link #FAILURE} for the calling route.
 */
@Component("gitHubDeadLetter")
public class GitHubDeadLetter {

    public static final String FAILURE = "githubFailure";
    private static final Logger LOG = LoggerFactory.getLogger(GitHubDeadLetter.class);
    private static final int MAX_MESSAGE = 2_000;

    private final Outbox outbox;
    private final RetryPolicy policy;
    private final Sanitizer sanitizer;

    public GitHubDeadLetter(Outbox outbox, PolicyFiles policies, Sanitizer sanitizer) {
        this.outbox = outbox;
        this.policy = policies.retryPolicy();
        this.sanitizer = sanitizer;
    }

    public Map<String, Object> record(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("method", exchange.getProperty(GitHubApi.METHOD, "GET", String.class));
        failure.put("url", sanitizer.sanitize(exchange.getProperty(GitHubApi.URL, String.class)));
        failure.put("route", exchange.getFromRouteId());
        if (cause instanceof HttpOperationFailedException http) {
            failure.put("status", http.getStatusCode());
            failure.put("category", categoryOf(http.getStatusCode()));
            // GitHub's answer is shown to callers, rows and logs: masked here, once
            failure.put("message", sanitizer.sanitize(truncate(gitHubMessage(http))));
            // the remedy per cause (422: make sure workflow_dispatch is on the default branch, ...)
            RetryPolicy.Category known = policy.categories().get(categoryOf(http.getStatusCode()));
            failure.put("fix", known == null ? null : known.fix());
            exchange.setProperty(GitHubApi.STATUS, http.getStatusCode());
        } else if (cause instanceof UntrustedHostException untrusted) {
            failure.put("status", null);
            failure.put("category", "untrusted_host");
            failure.put("message", untrusted.getMessage());
        } else {
            failure.put("status", null);
            failure.put("category", "network");
            failure.put("message", sanitizer.sanitize(truncate(cause == null ? "unknown failure" : cause.toString())));
        }
        String repository = exchange.getProperty(ExchangeProperties.REPOSITORY, String.class);
        Long runId = exchange.getProperty(ExchangeProperties.RUN_ID, Long.class);
        long eventId = outbox.record("dead_letter", repository, runId, null, failure);
        failure.put("eventId", eventId);
        exchange.setProperty(FAILURE, failure);
        LOG.warn("GitHub call dead-lettered (event {}): {} {} -> {} {}", eventId, failure.get("method"),
                failure.get("url"), failure.get("status"), failure.get("category"));
        return failure;
    }

    /**
     * HTTP code to cause, as the retry policy's categories name it: 422 configuration, 401/403 permission, 404 not
     * found, 429 rate limit, 5xx server error; 0 (no answer) network. The one mapping: audit tickets use it too.
     */
    public static String categoryOf(int status) {
        if (status == 0) {
            return "network";
        }
        if (status == 422) {
            return "configuration";
        }
        if (status == 403 || status == 401) {
            return "permission";
        }
        if (status == 404) {
            return "not_found";
        }
        if (status == 429) {
            return "rate_limit";
        }
        return status >= 500 ? "server_error" : status >= 400 ? "client_error" : "ok";
    }

    private static String gitHubMessage(HttpOperationFailedException e) {
        String body = e.getResponseBody();
        return body == null || body.isBlank() ? e.getStatusText() : body;
    }

    private static String truncate(String s) {
        return s == null || s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }
}
