package dev.selfheal.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks that each classification rule of {@code phase4-retry-policy.json} does what it says, beyond what the
 * schema can see: an inline flag such as {@code (?i)} only changes what follows it, so one placed after the first
 * alternative leaves the earlier ones case-sensitive; {@code ^} or {@code $} in the middle of an alternative can
 * never match; and a rule with keywords is only tried on lines holding one of them, so an alternative without a
 * keyword would never be tried. A broken rule stops start-up with its id, file and JSON pointer.
 */
final class ClassificationRuleCheck {

    private ClassificationRuleCheck() {
    }

    static void check(Path file, RetryPolicy policy) {
        Set<String> ids = new HashSet<>();
        List<RetryPolicy.ClassificationRule> rules = policy.classification();
        for (int i = 0; i < rules.size(); i++) {
            RetryPolicy.ClassificationRule rule = rules.get(i);
            String at = "/classification/" + i;
            if (!ids.add(rule.id())) {
                throw new PolicyFileException(file, at + "/id", "unique-id", "rule '" + rule.id() + "' is defined twice");
            }
            if (policy.categories() == null || !policy.categories().containsKey(rule.category())) {
                throw new PolicyFileException(file, at + "/category", "known-category", "rule '" + rule.id()
                        + "' names category '" + rule.category() + "', which \"categories\" does not define");
            }
            if (rule.pattern() == null) {
                if (rule.keywords() != null && !rule.keywords().isEmpty()) {
                    throw new PolicyFileException(file, at + "/keywords", "keyword-pattern",
                            "rule '" + rule.id() + "' has keywords but no pattern to pre-filter");
                }
                continue;
            }
            checkFlags(file, at, rule);
            List<String> alternatives = topLevelAlternatives(rule.pattern());
            checkAnchors(file, at, rule, alternatives);
            checkKeywords(file, at, rule, alternatives);
        }
    }

    private static void checkFlags(Path file, String at, RetryPolicy.ClassificationRule rule) {
        String p = rule.pattern();
        for (int i = 1; i < p.length() - 2; i++) {
            if (p.charAt(i) == '(' && p.charAt(i + 1) == '?' && !escaped(p, i) && inlineFlagGroupAt(p, i)) {
                throw new PolicyFileException(file, at + "/pattern", "regex-flags", "rule '" + rule.id()
                        + "': the inline flag group at index " + i + " only applies to what follows it, so the "
                        + "alternatives before it keep the default flags; put it at the start of the pattern");
            }
        }
    }

    // (?i) or (?iu) alone, not (?i:...) which is scoped to its own group and therefore does what it says
    private static boolean inlineFlagGroupAt(String p, int open) {
        int j = open + 2;
        while (j < p.length() && Character.isLetter(p.charAt(j))) {
            j++;
        }
        return j > open + 2 && j < p.length() && p.charAt(j) == ')';
    }

    private static void checkAnchors(Path file, String at, RetryPolicy.ClassificationRule rule,
            List<String> alternatives) {
        for (int n = 0; n < alternatives.size(); n++) {
            String alternative = alternatives.get(n);
            // the pattern's leading flag group is not part of its first alternative
            String a = n == 0 ? alternative.replaceFirst("^\\(\\?[a-zA-Z]+\\)", "") : alternative;
            boolean inClass = false;
            for (int i = 0; i < a.length(); i++) {
                char c = a.charAt(i);
                if (escaped(a, i)) {
                    continue;
                }
                if (c == '[') {
                    inClass = true;
                } else if (c == ']') {
                    inClass = false;
                } else if (!inClass && c == '^' && i > 0 && "(|:".indexOf(a.charAt(i - 1)) < 0) {
                    throw anchor(file, at, rule, '^', alternative);
                } else if (!inClass && c == '$' && i < a.length() - 1 && a.charAt(i + 1) != ')'
                        && a.charAt(i + 1) != '|') {
                    throw anchor(file, at, rule, '$', alternative);
                }
            }
        }
    }

    private static PolicyFileException anchor(Path file, String at, RetryPolicy.ClassificationRule rule, char anchor,
            String alternative) {
        return new PolicyFileException(file, at + "/pattern", "regex-anchor", "rule '" + rule.id() + "': '" + anchor
                + "' inside the alternative '" + alternative + "' can never match there; anchors belong at the "
                + "start (^) or end ($) of an alternative");
    }

    private static void checkKeywords(Path file, String at, RetryPolicy.ClassificationRule rule,
            List<String> alternatives) {
        if (rule.keywords() == null || rule.keywords().isEmpty()) {
            return;
        }
        for (String alternative : alternatives) {
            String literal = literalText(alternative).toLowerCase(Locale.ROOT);
            boolean covered = rule.keywords().stream()
                    .anyMatch(k -> literal.contains(k.toLowerCase(Locale.ROOT)));
            if (!covered) {
                throw new PolicyFileException(file, at + "/keywords", "keyword-pattern", "rule '" + rule.id()
                        + "': the alternative '" + alternative + "' holds none of the keywords " + rule.keywords()
                        + ", so the lines it would match are never tried; add a keyword it contains");
            }
        }
    }

    /** The pattern split at its top-level {@code |}, outside groups, character classes and escapes. */
    static List<String> topLevelAlternatives(String pattern) {
        List<String> alternatives = new ArrayList<>();
        int depth = 0;
        boolean inClass = false;
        int start = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (escaped(pattern, i)) {
                continue;
            }
            if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                alternatives.add(pattern.substring(start, i));
                start = i + 1;
            }
        }
        alternatives.add(pattern.substring(start));
        return alternatives;
    }

    // escaped punctuation stands for itself; \s, \d, \b ... stand for no particular text, so they break a keyword
    private static String literalText(String alternative) {
        StringBuilder b = new StringBuilder(alternative.length());
        for (int i = 0; i < alternative.length(); i++) {
            char c = alternative.charAt(i);
            if (c == '\\' && i + 1 < alternative.length()) {
                char next = alternative.charAt(++i);
                b.append(Character.isLetterOrDigit(next) ? '\u0000' : next);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean escaped(String s, int i) {
        int backslashes = 0;
        for (int j = i - 1; j >= 0 && s.charAt(j) == '\\'; j--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }
}
