package dev.selfheal.github;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.springframework.stereotype.Component;

/**
 * Apache HttpClient 5 re-sends 429 and 503 answers on its own (DefaultHttpRequestRetryStrategy). Retrying is
 * the policy's job (routes/error-handling.yaml, the rate-limit wait), so one camel-http send is one request.
 */
@Component("httpClientWithoutRetries")
public class HttpClientWithoutRetries implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
    }
}
