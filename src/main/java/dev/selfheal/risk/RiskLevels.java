package dev.selfheal.risk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.policy.RetryPolicy;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Every risk decision of Selfheal, in one place. The levels: critical (secret exposure, data corruption, kill switch), high (403 permission, final
 * failure after retries, guard violation), medium (422 configuration, 404, missing secret), low (transient
 * failure healed). The category's risk in the retry policy is a floor; the event can only raise it.
 */
@Component
public class RiskLevels {

    public static final List<String> ORDER = List.of("low", "medium", "high", "critical");

    private final Map<String, RetryPolicy.Category> categories;

    @Autowired
    public RiskLevels(PolicyFiles policies) {
        this(policies.retryPolicy().categories());
    }

    public RiskLevels(Map<String, RetryPolicy.Category> categories) {
        this.categories = categories;
    }

    public String riskOf(Outbox.Event event) {
        JsonNode p = event.payload();
        String category = p.path("category").asText("");
        String level = switch (event.type()) {
            case "killswitch" -> "critical";
            case "guard_violation", "rollback" -> ofGuardViolation();
            case "final_failure" -> p.path("attempts").asInt(0) > 0 ? "high" : "medium";
            case "dead_letter" -> byHttpStatus(p.path("status").asInt(0));
            case "recovered", "daily_summary" -> "low";
            default -> "medium";
        };
        if (category.equals("secret_exposure") || category.equals("data_corruption")) {
            level = "critical";
        }
        RetryPolicy.Category known = categories.get(category);
        if (known != null && known.risk() != null && !"recovered".equals(event.type())) {
            level = max(level, known.risk());
        }
        String stated = p.path("risk").asText("");
        if (ORDER.contains(stated) && !"recovered".equals(event.type())) {
            level = max(level, stated);
        }
        return level;
    }

    /**
     * The risk recorded with a final failure: one that outlived its re-runs is high; otherwise the category's
     * own level ({@code categoryRisk}, from the classification).
     */
    public static String ofFinalFailure(String categoryRisk, boolean retryable, int retriesDone) {
        return retryable && retriesDone > 0 ? "high" : categoryRisk;
    }

    /** A re-run GitHub refused, by the refusal's category: permission high, configuration and 404 medium. */
    public static String ofRefusedRerun(String httpCategory) {
        return switch (httpCategory) {
            case "permission" -> "high";
            case "configuration", "not_found" -> "medium";
            default -> "high";
        };
    }

    /** A re-run the CI guard blocked: a retry storm or loop needs a person. */
    public static String ofGuardViolation() {
        return "high";
    }

    /** Classification by HTTP code: 401/403 permission high; 422, 404 and the rest medium. */
    static String byHttpStatus(int status) {
        return status == 401 || status == 403 ? "high" : "medium";
    }

    static String max(String a, String b) {
        return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
    }
}
