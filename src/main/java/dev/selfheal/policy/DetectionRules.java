package dev.selfheal.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** {@code config/phase4-detection-rules.json}: poll schedule and anomaly thresholds. */
@JsonIgnoreProperties({"$schema", "description"})
public record DetectionRules(int version, Poll poll, List<Rule> rules) {

    public record Poll(String cron, Integer perPage) {
    }

    public record Rule(String id, String type, String action, Integer windowMinutes, Integer minRuns, Double threshold,
            Integer count, Integer sampleSize, Double multiplier, String output) {
    }
}
