package dev.selfheal.test;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The properties of a core-loop test service: GitHub is {@code wm}, the policies come from {@code policyDir}. */
public final class CoreLoopProperties {

    private CoreLoopProperties() {
    }

    public static void register(DynamicPropertyRegistry registry, WireMockExtension wm, Supplier<Path> policyDir) {
        registry.add("selfheal.github.api-url", wm::baseUrl);
        registry.add("selfheal.config-dir", () -> policyDir.get().toString());
        registry.add("selfheal.github.webhook-secret", () -> GitHubStandIn.SECRET);
        registry.add("selfheal.github.repositories", () -> GitHubStandIn.REPO);
        registry.add("selfheal.retry.dispatch-period-ms", () -> "100");
        registry.add("selfheal.retry.reconcile-period-ms", () -> "300");
    }
}
