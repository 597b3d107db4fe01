package dev.selfheal.retry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Why a run failed: the category (policy), the rule that decided, the line it matched (sanitized), and every
 * signal seen in the failed jobs, so a reader can tell which evidence won over which. A failure no rule
 * recognised ({@code unknown}) carries instead the last error lines of its job (sanitized, at most five) and a
 * rule suggested from its first error line ({@link SuggestedRule}), so operators can teach the policy.
 */
public record Classification(String category, String ruleId, String matchedLine, String matchedJob,
        boolean retryable, String risk, String fix, List<Signal> signals, List<String> errorLines,
        SuggestedRule suggestedRule) {

    /** A rule that matched in a job; a catch-all only decides when nothing more specific was seen there. */
    public record Signal(String ruleId, String category, String job, boolean catchAll) {

        @Override
        public String toString() {
            return ruleId + " (" + category + (catchAll ? ", catch-all" : "") + ")" + (job == null ? "" : " in " + job);
        }
    }

    public Classification(String category, String ruleId, String matchedLine, String matchedJob, boolean retryable,
            String risk, String fix) {
        this(category, ruleId, matchedLine, matchedJob, retryable, risk, fix, List.of());
    }

    public Classification(String category, String ruleId, String matchedLine, String matchedJob, boolean retryable,
            String risk, String fix, List<Signal> signals) {
        this(category, ruleId, matchedLine, matchedJob, retryable, risk, fix, signals, List.of(), null);
    }

    public Classification {
        signals = signals == null ? List.of() : List.copyOf(signals);
        errorLines = errorLines == null ? List.of() : List.copyOf(errorLines);
    }

    /** "network-reset (transient_infrastructure) in build, over step-failed (deterministic, catch-all) in build". */
    public String decision() {
        if (ruleId == null) {
            return signals.isEmpty() ? "no rule matched" : "no rule decided";
        }
        List<String> others = new ArrayList<>();
        String winner = null;
        for (Signal s : signals) {
            if (winner == null && s.ruleId().equals(ruleId) && Objects.equals(s.job(), matchedJob)) {
                winner = s.toString();
            } else {
                others.add(s.toString());
            }
        }
        String decided = winner == null ? ruleId + " (" + category + ")" : winner;
        return others.isEmpty() ? decided : decided + ", over " + String.join(", ", others);
    }

    public Map<String, Object> payload() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("category", category);
        p.put("ruleId", ruleId);
        p.put("matchedLine", matchedLine);
        p.put("matchedJob", matchedJob);
        p.put("retryable", retryable);
        p.put("risk", risk);
        p.put("fix", fix);
        if (!signals.isEmpty()) {
            p.put("signals", signals.stream().map(Signal::toString).toList());
            p.put("decision", decision());
        }
        if (!errorLines.isEmpty()) {
            p.put("errorLines", errorLines);
        }
        if (suggestedRule != null) {
            p.put("suggestedRule", suggestedRule.payload());
        }
        return p;
    }
}
