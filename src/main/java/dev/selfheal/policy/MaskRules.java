package dev.selfheal.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** {@code config/phase4-mask-rules.json}: what the sanitizer masks, and how. */
@JsonIgnoreProperties({"$schema", "description"})
public record MaskRules(int version, String mask, Boolean verify, List<Rule> rules, List<String> allowlist) {

    public record Rule(String id, String regex, List<String> keywords, Double entropy) {
    }

    public List<String> allowlist() {
        return allowlist == null ? List.of() : allowlist;
    }
}
