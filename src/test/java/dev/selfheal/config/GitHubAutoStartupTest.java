package dev.selfheal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** selfheal.github.auto-startup follows the token unless set explicitly. */
class GitHubAutoStartupTest {

    static String derived(Map<String, Object> properties) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("given", properties));
        new GitHubAutoStartup().postProcessEnvironment(env, null);
        return env.getProperty(GitHubAutoStartup.KEY);
    }

    @Test
    void noTokenMeansStopped() {
        assertThat(derived(Map.of())).isEqualTo("false");
        assertThat(derived(Map.of("selfheal.github.token", "  "))).isEqualTo("false");
    }

    @Test
    void aTokenMeansStarted() {
        assertThat(derived(Map.of("selfheal.github.token", "ghp_x"))).isEqualTo("true");
    }

    @Test
    void anExplicitValueWins() {
        assertThat(derived(Map.of("selfheal.github.token", "ghp_x", GitHubAutoStartup.KEY, "false")))
                .isEqualTo("false");
    }
}
