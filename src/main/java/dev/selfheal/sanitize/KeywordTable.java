package dev.selfheal.sanitize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one-pass keyword search: every keyword (rule keywords, own secrets, halves of split secrets) in a table of
 * its first two characters, so a character of the text costs one bit test unless a keyword could start there.
 */
final class KeywordTable {

    private static final int CHUNK = 8192;

    /** ASCII char pair (both cases) to the keywords starting with it. */
    private final Keyword[][] keywordTable = new Keyword[128 * 128][];
    /** Which slots of {@link #keywordTable} are used: 2 KB that stay in L1, so most pairs cost one bit test. */
    private final long[] keywordSlots = new long[128 * 128 / 64];
    /** ASCII triples a keyword can start with (256 KB): most common pairs ("se", "to", "00") stop here. */
    private final long[] keywordTriples = new long[128 * 128 * 128 / 64];
    private int longestKeyword;
    /** An own secret the pass cannot see: the whole-text own-secret step always runs. */
    private boolean forceOwnScan;
    private final int splitSecrets;

    KeywordTable(int splitSecrets) {
        this.splitSecrets = splitSecrets;
    }

    boolean forceOwnScan() {
        return forceOwnScan;
    }

    int longestKeyword() {
        return longestKeyword;
    }

    /**
     * Keywords are found in one pass over the text through a table of their first two characters (both cases
     * unless exact), so a character costs one array read unless a keyword could start there.
     */
    void add(Keyword k) {
        String text = k.text();
        boolean exact = k.exact();
        boolean ascii = !text.isEmpty() && text.charAt(0) < 128 && (text.length() == 1 || text.charAt(1) < 128);
        if ((!ascii || text.charAt(0) == '\n') && exact) {
            // an own secret the pass cannot see (non-ASCII start, or a line break, which the pass skips): always
            // run the (slower) whole-text own-secret step
            forceOwnScan = true;
            return;
        }
        if (!ascii) {
            throw new IllegalArgumentException("mask keyword must start with two ASCII characters: " + text);
        }
        longestKeyword = Math.max(longestKeyword, text.length());
        char c0 = text.charAt(0);
        List<Character> firsts = exact ? List.of(c0)
                : List.of(Character.toLowerCase(c0), Character.toUpperCase(c0));
        List<Character> seconds = new ArrayList<>();
        if (text.length() == 1) {
            for (char c = 0; c < 128; c++) {
                seconds.add(c);
            }
        } else {
            char c1 = text.charAt(1);
            seconds.addAll(exact ? List.of(c1) : List.of(Character.toLowerCase(c1), Character.toUpperCase(c1)));
        }
        for (char f : new java.util.LinkedHashSet<>(firsts)) {
            if (f == '\n') {
                // a keyword never starts at a line break (the pass has always skipped them)
                continue;
            }
            for (char t : new java.util.LinkedHashSet<>(seconds)) {
                int slot = (f << 7) | t;
                Keyword[] old = keywordTable[slot];
                Keyword[] grown = old == null ? new Keyword[1] : Arrays.copyOf(old, old.length + 1);
                grown[grown.length - 1] = k;
                keywordTable[slot] = grown;
                keywordSlots[slot >>> 6] |= 1L << slot;
                char c2 = text.length() > 2 ? text.charAt(2) : 0;
                boolean anyThird = text.length() < 3 || c2 >= 128;
                for (char third = 0; third < 128; third++) {
                    boolean sameThird = third == c2
                            || (!exact && Character.toLowerCase(third) == Character.toLowerCase(c2));
                    if (anyThird || sameThird) {
                        int triple = (slot << 7) | third;
                        keywordTriples[triple >>> 6] |= 1L << triple;
                    }
                }
            }
        }
    }

    /** Keyword hits starting in text[from, to). */
    KeywordHits pass(String text, int from, int to) {
        KeywordHits hits = new KeywordHits(splitSecrets);
        hits.own = forceOwnScan;
        hits.split = forceOwnScan;
        int n = text.length();
        long[] slots = keywordSlots;
        Keyword[][] table = keywordTable;
        int last = Math.min(to, n - 1);
        // chunks copied into a char[]: the hot loop then has no per-character String checks
        char[] buf = new char[Math.min(CHUNK, Math.max(0, last - from)) + 2];
        for (int base = from; base < last; base += CHUNK) {
            int chunkEnd = Math.min(last, base + CHUNK);
            int filled = Math.min(n, chunkEnd + 2);
            text.getChars(base, filled, buf, 0);
            for (int i = base; i < chunkEnd; i++) {
                int j = i - base;
                char c0 = buf[j];
                char c1 = buf[j + 1];
                if ((c0 | c1) >= 128) {
                    continue;
                }
                int slot = (c0 << 7) | c1;
                if ((slots[slot >>> 6] & (1L << slot)) == 0) {
                    continue;
                }
                if (i + 2 < n) {
                    char c2 = buf[j + 2];
                    int triple = (slot << 7) | c2;
                    // a non-ASCII third character may still fold to a keyword's: leave that to matchesAt
                    if (c2 < 128 && (keywordTriples[triple >>> 6] & (1L << triple)) == 0) {
                        continue;
                    }
                }
                candidates(text, i, table[slot], hits);
            }
        }
        return hits;
    }

    /** Records which of the keywords sharing a first-character slot start at text[i]. */
    private static void candidates(String text, int i, Keyword[] keywords, KeywordHits hits) {
        for (Keyword k : keywords) {
            if (!k.matchesAt(text, i)) {
                continue;
            }
            switch (k.kind()) {
                case Keyword.LINE_RULE -> hits.add(i, k.rule());
                case Keyword.MULTI_LINE_RULE -> hits.multi.set(k.rule());
                case Keyword.OWN -> hits.own = true;
                default -> {
                    hits.split = true;
                    if (hits.splitAt[k.rule()] < 0) {
                        hits.splitAt[k.rule()] = i;
                    }
                }
            }
        }
    }
}
