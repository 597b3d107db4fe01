package dev.selfheal.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * {@link ExternalPostgres}, with the service's connections going through {@link #PROXY}: closing the proxy is a
 * database outage for the service (the machine's server is never touched), opening it again is the recovery.
 */
public class PostgresBehindProxy implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final TcpProxy PROXY;

    static {
        try {
            PROXY = new TcpProxy("127.0.0.1", Integer.parseInt(System.getenv().getOrDefault("SELFHEAL_TEST_PG",
                    "127.0.0.1:5432").replaceAll(".*:", "")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        // one proxy for every test class that uses it: an earlier class may have left it closed
        try {
            PROXY.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        new ExternalPostgres().initialize(context);
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("selfheal-test-proxy",
                Map.of("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + PROXY.port() + "/"
                        + ExternalPostgres.database())));
    }
}
