package dev.selfheal.sandbox;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The demo profile's sandbox: GitHub and Slack on {@code selfheal.sandbox.port} (application-demo.yaml points
 * the service at it).
 */
@Configuration(proxyBeanMethods = false)
@Profile("demo")
public class DemoSandboxConfiguration {

    @Bean(destroyMethod = "close")
    GitHubSandbox gitHubSandbox(@Value("${selfheal.sandbox.port}") int port) {
        return new GitHubSandbox(port);
    }
}
