package dev.selfheal.config;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Derives {@code selfheal.github.auto-startup} from the token (or a GitHub App id), so routes that call GitHub on their own
 * ({@code autoStartup: "{{selfheal.github.auto-startup}}"}) stay stopped without a token instead of failing
 * every minute. An explicit value wins.
 */
public class GitHubAutoStartup implements EnvironmentPostProcessor {

    static final String KEY = "selfheal.github.auto-startup";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (env.containsProperty(KEY)) {
            return;
        }
        String token = env.getProperty("selfheal.github.token", "");
        String appId = env.getProperty("selfheal.github.app-id", "");
        env.getPropertySources().addLast(new MapPropertySource("selfheal-derived",
                Map.of(KEY, String.valueOf(!token.isBlank() || !appId.isBlank()))));
    }
}
