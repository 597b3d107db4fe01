package dev.selfheal.retry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Why a run failed: the category (policy), the rule that decided, the line it matched (sanitized), where that
 * line was seen ({@code source}: annotation, step, log or conclusion), the deciding job's steps, and every signal
 * seen in the failed jobs, so a reader can tell which evidence won over which. A failure no rule recognised
 * ({@code unknown}) carries instead the last error lines of its job (sanitized, at most five) and a rule
 * suggested from its first error line ({@link SuggestedRule}), so operators can teach the policy.
 */
public record Classification(String category, String ruleId, String matchedLine, String matchedJob, String source,
        String steps, boolean retryable, String risk, String fix, List<Signal> signals, List<String> errorLines,
        SuggestedRule suggestedRule) {

    /** Where a signal was seen, in the order classification looks: annotations, then steps, then log lines. */
    public static final String ANNOTATION = "annotation";
    public static final String STEP = "step";
    public static final String LOG = "log";
    /** The job's (or run's) conclusion: ranked with the log lines, as before annotations were read. */
    public static final String CONCLUSION = "conclusion";

    /** A rule that matched in a job; a catch-all only decides when nothing more specific was seen there. */
    public record Signal(String ruleId, String category, String job, boolean catchAll, String source) {

        public Signal(String ruleId, String category, String job, boolean catchAll) {
            this(ruleId, category, job, catchAll, null);
        }

        @Override
        public String toString() {
            return ruleId + " (" + category + (catchAll ? ", catch-all" : "") + (source == null ? "" : ", " + source)
                    + ")" + (job == null ? "" : " in " + job);
        }
    }

    public Classification(String category, String ruleId, String matchedLine, String matchedJob, boolean retryable,
            String risk, String fix) {
        this(category, ruleId, matchedLine, matchedJob, null, null, retryable, risk, fix, List.of(), List.of(), null);
    }

    public Classification(String category, String ruleId, String matchedLine, String matchedJob, boolean retryable,
            String risk, String fix, List<Signal> signals) {
        this(category, ruleId, matchedLine, matchedJob, null, null, retryable, risk, fix, signals, List.of(), null);
    }

    public Classification(String category, String ruleId, String matchedLine, String matchedJob, String source,
            String steps, boolean retryable, String risk, String fix, List<Signal> signals) {
        this(category, ruleId, matchedLine, matchedJob, source, steps, retryable, risk, fix, signals, List.of(), null);
    }

    public Classification(String category, String ruleId, String matchedLine, String matchedJob, boolean retryable,
            String risk, String fix, List<Signal> signals, List<String> errorLines, SuggestedRule suggestedRule) {
        this(category, ruleId, matchedLine, matchedJob, null, null, retryable, risk, fix, signals, errorLines,
                suggestedRule);
    }

    /**
     * Which evidence decided, for the retry row, the audit ticket and Slack: "annotation, rule runner-lost",
     * "step, rule no-user-step-ran", "log line, rule tests-failed"; null when no rule decided.
     */
    public String evidence() {
        if (ruleId == null) {
            return null;
        }
        String where = source == null ? null : switch (source) {
            case LOG -> "log line";
            default -> source;
        };
        return where == null ? "rule " + ruleId : where + ", rule " + ruleId;
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
        p.put("evidence", evidence());
        p.put("evidenceSource", source);
        if (steps != null) {
            p.put("steps", steps);
        }
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
