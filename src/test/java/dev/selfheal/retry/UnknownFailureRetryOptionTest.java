package dev.selfheal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.policy.RetryPolicy;
import dev.selfheal.sanitize.Sanitizer;
import dev.selfheal.test.TestPolicies;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code unknown.retry}: a failure no rule recognises is never re-run by default, or re-run once when set so. */
class UnknownFailureRetryOptionTest {

    static PolicyFiles policies(String unknownRetry) {
        Path dir = TestPolicies.copy();
        TestPolicies.edit(dir, PolicyFiles.RETRY,
                p -> ((ObjectNode) p.get("unknown")).put("retry", unknownRetry));
        SelfhealProperties shipped = FailureClassificationTest.PROPERTIES;
        return new PolicyFiles(new SelfhealProperties(shipped.github(), shipped.slack(), shipped.scheduling(),
                shipped.dataDir(), dir, shipped.routesDir()));
    }

    static Classification classifyUnknown(PolicyFiles policies) {
        FailureClassifier classifier = new FailureClassifier(policies, new Sanitizer(policies.maskRules(), List.of()));
        FailureClassifier.Scan scan = classifier.start(FailureClassificationTest.run("failure"), List.of());
        scan.line("Everything printed was fine and then it stopped", "build");
        return scan.result();
    }

    @Test
    void shippedPolicyNeverRerunsAnUnknownFailure() {
        RetryPolicy policy = FailureClassificationTest.POLICIES.retryPolicy();

        assertThat(policy.unknownFailures().retry()).isEqualTo("never");
        assertThat(policy.isRetryable("unknown")).isFalse();
        assertThat(classifyUnknown(FailureClassificationTest.POLICIES).retryable()).isFalse();
    }

    @Test
    void onceRerunsAnUnknownFailureOnlyOnce() {
        PolicyFiles once = policies("once");

        Classification c = classifyUnknown(once);

        assertThat(c.category()).isEqualTo("unknown");
        assertThat(c.retryable()).isTrue();
        assertThat(once.retryPolicy().maxAttemptsFor("unknown")).isEqualTo(1);
        assertThat(once.retryPolicy().maxAttemptsFor("transient_infrastructure")).isEqualTo(3);
        assertThat(once.retryPolicy().isRetryable("deterministic")).isFalse();
    }
}
