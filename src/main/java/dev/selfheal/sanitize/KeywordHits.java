package dev.selfheal.sanitize;

import java.util.Arrays;

/**
 * What one keyword pass found: every line-rule keyword hit (position, rule) in text order, and whether the
 * rare whole-text work is due. Flat arrays: a 100 MB log has hundreds of thousands of hits.
 */
final class KeywordHits {
    int[] pos = new int[256];
    int[] rule = new int[256];
    int size;
    boolean own;
    boolean split;
    final java.util.BitSet multi = new java.util.BitSet();
    /** First position of each half of each split secret (2 * index + half), -1 when absent. */
    final int[] splitAt;

    KeywordHits(int splitSecrets) {
        splitAt = new int[2 * splitSecrets];
        Arrays.fill(splitAt, -1);
    }

    void add(int p, int r) {
        if (size > 0 && pos[size - 1] == p && rule[size - 1] == r) {
            return;
        }
        if (size == pos.length) {
            pos = Arrays.copyOf(pos, size * 2);
            rule = Arrays.copyOf(rule, size * 2);
        }
        pos[size] = p;
        rule[size] = r;
        size++;
    }

    boolean wholeText() {
        return own || split || !multi.isEmpty();
    }
}
