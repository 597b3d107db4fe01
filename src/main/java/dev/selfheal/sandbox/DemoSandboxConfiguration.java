package dev.selfheal.sandbox;

import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
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

    /** The demo's login is not a secret (application-demo.yaml): say it where the operator looks first. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> demoLoginBanner(
            @Value("${selfheal.management.admin-user}") String user,
            @Value("${selfheal.management.admin-password}") String password,
            @Value("${management.server.port:8081}") int port) {
        return event -> LoggerFactory.getLogger(DemoSandboxConfiguration.class).info(
                "Demo management console: http://127.0.0.1:{}/actuator/hawtio/ (login {} / {}); webhooks on port {}",
                port, user, password, event.getApplicationContext().getEnvironment().getProperty("server.port"));
    }
}
