package dev.selfheal.evidence;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * For {@code enrich} around a GitHub route: a call that was dead-lettered comes back marked "handled by the
 * error handler", which would stop the rest of the collection. Enriching takes the call's body and properties
 * (githubFailure, the download result) into the collecting exchange without that mark, so the next part is
 * still collected.
 */
@Component("gitHubCallResult")
public class GitHubCallResult implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange original, Exchange call) {
        if (call == null) {
            return original;
        }
        original.getMessage().setBody(call.getMessage().getBody());
        original.getProperties().putAll(call.getProperties());
        return original;
    }
}
