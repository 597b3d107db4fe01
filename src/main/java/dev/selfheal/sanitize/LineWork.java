package dev.selfheal.sanitize;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;

/** Per-call scratch for the line rules: one reusable Matcher per rule, keyword positions. */
final class LineWork {
    private final List<CompiledRule> lineRules;
    final Matcher[] matchers;
    final boolean[] ruleHit;
    int[] positions = new int[16];

    LineWork(List<CompiledRule> lineRules) {
        this.lineRules = lineRules;
        this.matchers = new Matcher[lineRules.size()];
        this.ruleHit = new boolean[lineRules.size()];
    }

    Matcher matcher(int r, String line) {
        Matcher m = matchers[r];
        if (m == null) {
            m = lineRules.get(r).pattern.matcher(line);
            // lookbehinds and \b at a window start see the line before it, exactly as a whole-line find would
            m.useTransparentBounds(true);
            m.useAnchoringBounds(false);
            matchers[r] = m;
        } else {
            m.reset(line);
        }
        return m;
    }

    void addPosition(int i, int p) {
        if (i == positions.length) {
            positions = Arrays.copyOf(positions, i * 2);
        }
        positions[i] = p;
    }
}
