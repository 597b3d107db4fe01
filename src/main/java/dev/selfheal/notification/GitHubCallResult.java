package dev.selfheal.notification;

import dev.selfheal.github.GitHubApi;
import dev.selfheal.github.GitHubDeadLetter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Brings a GitHub call's result back into the notification exchange (used with {@code enrich}). Called with a
 * plain {@code to}, a call that github-errors dead-letters marks the whole exchange as handled by an error
 * handler and Camel stops routing it in the caller too, so the notification would never record the failure or
 * fall back. With enrich the call runs on a copy; this copies back the body and the github* properties.
 */
@Component("gitHubCallResult")
public class GitHubCallResult implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange original, Exchange resource) {
        if (resource == null) {
            return original;
        }
        original.getMessage().setBody(resource.getMessage().getBody());
        for (String key : new String[] {GitHubApi.STATUS, GitHubApi.NOT_MODIFIED, GitHubApi.URL,
                GitHubDeadLetter.FAILURE}) {
            Object value = resource.getProperty(key);
            if (value == null) {
                original.removeProperty(key);
            } else {
                original.setProperty(key, value);
            }
        }
        Exception e = resource.getException();
        if (e != null) {
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("status", null);
            failure.put("category", "error");
            failure.put("message", e.toString());
            original.setProperty(GitHubDeadLetter.FAILURE, failure);
        }
        return original;
    }
}
