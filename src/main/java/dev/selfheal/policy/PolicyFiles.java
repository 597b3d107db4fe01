package dev.selfheal.policy;

import dev.selfheal.config.SelfhealProperties;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The four policy files under {@code selfheal.config-dir}, read and validated once at start-up: a broken file
 * stops the service (see {@link PolicyFailureAnalyzer}). The HTTP redelivery numbers are also published as Camel
 * properties ({@code {{policy.http.max-redeliveries}}} ...) so routes/error-handling.yaml uses the policy file's
 * numbers, not copies of them.
 */
@Component
public class PolicyFiles implements CamelContextConfiguration {

    public static final String RETRY = "phase4-retry-policy.json";
    public static final String DETECTION = "phase4-detection-rules.json";
    public static final String KILLSWITCH = "phase4-killswitch-rules.json";
    public static final String MASK = "phase4-mask-rules.json";

    private static final Logger LOG = LoggerFactory.getLogger(PolicyFiles.class);

    private final RetryPolicy retryPolicy;
    private final DetectionRules detectionRules;
    private final KillSwitchRules killSwitchRules;
    private final MaskRules maskRules;

    public PolicyFiles(SelfhealProperties properties) {
        Path dir = properties.configDir();
        this.retryPolicy = JsonPolicyReader.read(dir.resolve(RETRY), RetryPolicy.class);
        this.detectionRules = JsonPolicyReader.read(dir.resolve(DETECTION), DetectionRules.class);
        this.killSwitchRules = JsonPolicyReader.read(dir.resolve(KILLSWITCH), KillSwitchRules.class);
        this.maskRules = JsonPolicyReader.read(dir.resolve(MASK), MaskRules.class);
        LOG.info("Policies loaded from {}: at most {} re-runs per run, back-off {} s x{}, {} classification rules, "
                        + "{} mask rules", dir.toAbsolutePath().normalize(), retryPolicy.run().maxAttempts(),
                retryPolicy.run().backoff().initialSeconds(), retryPolicy.run().backoff().multiplier(),
                retryPolicy.classification().size(), maskRules.rules().size());
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    public DetectionRules detectionRules() {
        return detectionRules;
    }

    public KillSwitchRules killSwitchRules() {
        return killSwitchRules;
    }

    public MaskRules maskRules() {
        return maskRules;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        Properties p = new Properties();
        RetryPolicy.Http http = retryPolicy.http();
        p.setProperty("policy.http.max-redeliveries", String.valueOf(http.maxRedeliveries()));
        p.setProperty("policy.http.initial-delay-millis", String.valueOf(http.initialDelayMillis()));
        p.setProperty("policy.http.multiplier", String.valueOf(http.multiplier()));
        p.setProperty("policy.http.retry-status-codes", http.retryStatusCodes().stream().sorted()
                .map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
        p.setProperty("policy.http.never-retry-status-codes", http.neverRetryStatusCodes().stream().sorted()
                .map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
        p.setProperty("policy.http.retry-network-timeouts",
                String.valueOf(!Boolean.FALSE.equals(http.retryNetworkTimeouts())));
        p.stringPropertyNames().forEach(key ->
                camelContext.getPropertiesComponent().addInitialProperty(key, p.getProperty(key)));
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
    }
}
