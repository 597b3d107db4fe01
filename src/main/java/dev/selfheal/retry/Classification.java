package dev.selfheal.retry;

import java.util.LinkedHashMap;
import java.util.Map;

/** Why a run failed: the category (policy), the rule that matched, the line it matched (sanitized). */
public record Classification(String category, String ruleId, String matchedLine, String matchedJob,
        boolean retryable, String risk, String fix) {

    public Map<String, Object> payload() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("category", category);
        p.put("ruleId", ruleId);
        p.put("matchedLine", matchedLine);
        p.put("matchedJob", matchedJob);
        p.put("retryable", retryable);
        p.put("risk", risk);
        p.put("fix", fix);
        return p;
    }
}
