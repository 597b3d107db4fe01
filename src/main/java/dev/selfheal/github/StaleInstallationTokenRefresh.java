package dev.selfheal.github;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** onRedeliveryRef of routes/error-handling.yaml: the one resend after a 401 carries a fresh installation token. */
@Component("staleInstallationTokenRefresh")
public class StaleInstallationTokenRefresh implements Processor {

    private final GitHubAppTokens tokens;

    public StaleInstallationTokenRefresh(GitHubAppTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void process(Exchange exchange) {
        tokens.refreshStale(exchange);
    }
}
