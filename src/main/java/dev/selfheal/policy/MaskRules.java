package dev.selfheal.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** {@code config/phase4-mask-rules.json}: what the sanitizer masks, and how. */
@JsonIgnoreProperties({"$schema", "description"})
public record MaskRules(int version, String mask, Boolean verify, List<Rule> rules, List<String> allowlist) {

    /**
     * {@code keywordWithin}: every match holds one of the keywords starting at most that many characters after
     * the match start, so the sanitizer only tries the regex near keyword hits; null when not promised.
     */
    public record Rule(String id, String regex, List<String> keywords, Double entropy, Integer keywordWithin) {
    }

    public List<String> allowlist() {
        return allowlist == null ? List.of() : allowlist;
    }
}
