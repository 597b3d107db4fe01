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
 * The risk levels: critical (secret exposure, data corruption, kill switch), high (403 permission, final
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
            case "guard_violation", "rollback" -> "high";
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

    /** Classification by HTTP code: 401/403 permission high; 422, 404 and the rest medium. */
    static String byHttpStatus(int status) {
        return status == 401 || status == 403 ? "high" : "medium";
    }

    static String max(String a, String b) {
        return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
    }
}
