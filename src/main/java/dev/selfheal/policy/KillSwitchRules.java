package dev.selfheal.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code config/phase4-killswitch-rules.json}: when the kill switch trips and which routes it stops. */
@JsonIgnoreProperties({"$schema", "description"})
public record KillSwitchRules(int version, List<Condition> conditions, List<String> targets, Log log,
        @JsonProperty("notify") Notify notifications) {

    public record Condition(String id, String type, int threshold, Integer windowMinutes) {
    }

    public record Log(String file, Boolean database) {
    }

    public record Notify(Boolean slack, Boolean issue) {
    }
}
