package dev.selfheal.sanitize;

import java.util.Arrays;

/** Output ranges of masked lines (start, end pairs), for the release rescan. */
final class MaskedLines {
    int[] v = new int[16];
    int size;

    void add(int x) {
        if (size == v.length) {
            v = Arrays.copyOf(v, size * 2);
        }
        v[size++] = x;
    }
}
