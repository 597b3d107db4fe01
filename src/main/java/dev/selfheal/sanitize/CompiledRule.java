package dev.selfheal.sanitize;

import dev.selfheal.policy.MaskRules;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One rule of the mask rules file, compiled: its pattern, keywords (lower case), entropy threshold. */
final class CompiledRule {
    final String id;
    final Pattern pattern;
    final List<String> keywords;
    final Double entropy;
    final boolean hasSecretGroup;
    final boolean multiLine;
    /** Matches start at most this far before a keyword hit; -1: try the whole line. */
    final int keywordWithin;

    CompiledRule(MaskRules.Rule rule) {
        this.id = rule.id();
        this.pattern = Pattern.compile(rule.regex());
        this.keywords = rule.keywords() == null ? List.of()
                : rule.keywords().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
        this.entropy = rule.entropy();
        this.hasSecretGroup = rule.regex().contains("(?<secret>");
        this.multiLine = rule.regex().contains("[\\s\\S]") || rule.regex().contains("(?s)");
        // \G depends on where the previous find stopped, which windows change
        this.keywordWithin = rule.keywordWithin() == null || keywords.isEmpty() || rule.regex().contains("\\G")
                ? -1 : rule.keywordWithin();
    }

    /** Masks every accepted match in text[from, to); returns text itself when nothing matched. */
    String apply(String text, int from, int to, Sanitizer sanitizer, Map<String, Integer> counts) {
        Matcher m = pattern.matcher(text);
        m.region(from, to);
        return masked(text, sanitizer, counts, match -> {
            while (m.find()) {
                accept(m, text, sanitizer, match);
            }
        });
    }

    /** Masks every accepted match in a line (see {@link #matches(Matcher, String, int[], int, Sanitizer,
     * RuleMatch)}); returns line itself when nothing matched. */
    String apply(Matcher m, String line, int[] positions, int count, Sanitizer sanitizer,
            Map<String, Integer> counts) {
        return masked(line, sanitizer, counts, match -> matches(m, line, positions, count, sanitizer, match));
    }

    private String masked(String text, Sanitizer sanitizer, Map<String, Integer> counts,
            Consumer<RuleMatch> run) {
        StringBuilder[] out = {null};
        int[] last = {0};
        run.accept((rule, start, end) -> {
            if (out[0] == null) {
                out[0] = new StringBuilder(text.length() + 32);
            }
            out[0].append(text, last[0], start).append(sanitizer.mask(id));
            last[0] = end;
            if (counts != null) {
                counts.merge(id, 1, Integer::sum);
            }
        });
        if (out[0] == null) {
            return text;
        }
        return out[0].append(text, last[0], text.length()).toString();
    }

    /** Each match in text[from, to) that is not allowlisted and meets the entropy threshold: the part to mask. */
    void matches(String text, int from, int to, Sanitizer sanitizer, RuleMatch match) {
        Matcher m = pattern.matcher(text);
        m.region(from, to);
        while (m.find()) {
            accept(m, text, sanitizer, match);
        }
    }

    /**
     * The same matches as {@code find()} over the whole line, tried only where they can start: with
     * {@code count >= 0}, at most {@link #keywordWithin} characters before one of the keyword positions
     * {@code positions[0, count)} (ascending). A match found consumes its text as find() would, so what
     * follows is tried from its end.
     */
    void matches(Matcher m, String line, int[] positions, int count, Sanitizer sanitizer, RuleMatch match) {
        if (count < 0) {
            while (m.find()) {
                accept(m, line, sanitizer, match);
            }
            return;
        }
        int n = line.length();
        int cursor = 0;
        for (int i = 0; i < count; i++) {
            int p = positions[i];
            for (int s = Math.max(cursor, p - keywordWithin); s <= p; s++) {
                // the region ends at the line end, so a secret running past the window is still matched whole
                m.region(s, n);
                if (m.lookingAt()) {
                    accept(m, line, sanitizer, match);
                    cursor = Math.max(m.end(), s + 1);
                    s = cursor - 1;
                }
            }
        }
    }

    private void accept(Matcher m, String text, Sanitizer sanitizer, RuleMatch match) {
        int secret = hasSecretGroup ? m.start("secret") : -1;
        int start = secret >= 0 ? secret : m.start();
        int end = secret >= 0 ? m.end("secret") : m.end();
        String candidate = text.substring(start, end);
        if (sanitizer.allowlisted(candidate) || (entropy != null && Entropy.shannon(candidate) < entropy)) {
            return;
        }
        match.accept(this, start, end);
    }
}
