package dev.selfheal.retry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which rules' keywords a line contains, in one pass over the line: a table keyed on the first two (ASCII,
 * lower-cased) characters of every keyword sends each position to the few keywords that can start there. Only
 * the rules it names are then tried with their regex: most CI log lines match no keyword at all.
 */
final class KeywordIndex {

    private record Keyword(char[] text, int rule) {
    }

    @SuppressWarnings("unchecked")
    private final List<Keyword>[] byPrefix = new List[1 << 14];

    KeywordIndex(List<List<String>> keywordsByRule) {
        for (int rule = 0; rule < keywordsByRule.size() && rule < 64; rule++) {
            for (String k : keywordsByRule.get(rule)) {
                String lower = k.toLowerCase(Locale.ROOT);
                if (lower.length() < 2) {
                    throw new IllegalArgumentException("keyword '" + k + "' is shorter than 2 characters");
                }
                int slot = slot(lower.charAt(0), lower.charAt(1));
                if (byPrefix[slot] == null) {
                    byPrefix[slot] = new ArrayList<>(2);
                }
                byPrefix[slot].add(new Keyword(lower.toCharArray(), rule));
            }
        }
    }

    /** Bit r set when the line holds a keyword of rule r (rules numbered as given, the first 64). */
    long hits(String line) {
        long mask = 0;
        int n = line.length() - 1;
        char prev = n >= 0 ? lower(line.charAt(0)) : 0;
        for (int i = 0; i < n; i++) {
            char next = lower(line.charAt(i + 1));
            List<Keyword> candidates = byPrefix[slot(prev, next)];
            if (candidates != null) {
                for (Keyword k : candidates) {
                    if ((mask & (1L << k.rule())) == 0 && matchesAt(line, i, k.text())) {
                        mask |= 1L << k.rule();
                    }
                }
            }
            prev = next;
        }
        return mask;
    }

    private static boolean matchesAt(String line, int at, char[] keyword) {
        if (at + keyword.length > line.length()) {
            return false;
        }
        for (int j = 2; j < keyword.length; j++) {
            if (lower(line.charAt(at + j)) != keyword[j]) {
                return false;
            }
        }
        return true;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c | 0x20) : c;
    }

    // 7 bits of each character is enough to spread ASCII; other characters share slots and are checked in full
    private static int slot(char a, char b) {
        return ((a & 0x7f) << 7) | (b & 0x7f);
    }
}
