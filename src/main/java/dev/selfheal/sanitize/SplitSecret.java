package dev.selfheal.sanitize;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An own secret broken over lines (a log wrapping a long value, an echo split in two): GitHub's {@code ***}
 * masking misses these. Every split leaves one half of the secret intact, so only around an occurrence of a
 * half is the (slower) pattern with optional line breaks between characters tried.
 */
final class SplitSecret {
    final String firstHalf;
    final String secondHalf;
    final Pattern pattern;
    final int length;
    /** What a found occurrence is replaced with: the own-secret mask. */
    private final String mask;

    final char c0;
    final char c1;
    final boolean prefilter;

    SplitSecret(String secret, String mask) {
        this.mask = mask;
        this.length = secret.length();
        this.c0 = secret.charAt(0);
        this.c1 = secret.charAt(1);
        this.prefilter = !Character.isSurrogate(c0) && !Character.isSurrogate(c1);
        this.firstHalf = secret.substring(0, length / 2);
        this.secondHalf = secret.substring(length / 2);
        // a break: optional spaces, newline, an optional GitHub log timestamp, optional spaces
        String gap = "(?:[ \\t]*\\r?\\n(?:\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z )?[ \\t]*)?";
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < length; i++) {
            if (i > 0) {
                regex.append(gap);
            }
            regex.append(Pattern.quote(String.valueOf(secret.charAt(i))));
        }
        this.pattern = Pattern.compile(regex.toString());
    }

    /**
     * Number of split occurrences from a little before the first intact half ({@code first}, {@code second}:
     * the first positions of the halves in text, -1 when absent); when {@code out} is given it receives the
     * text with them masked.
     */
    int find(String text, StringBuilder out, int first, int second) {
        if (first < 0 && second < 0) {
            return 0;
        }
        int window = length * 40 + 256;
        int from = Math.max(0, Math.min(first < 0 ? Integer.MAX_VALUE : first,
                second < 0 ? Integer.MAX_VALUE : second) - window);
        Matcher m = pattern.matcher(text);
        int n = text.length();
        int count = 0;
        int last = 0;
        // the same matches as find() from `from`, but the regex is only tried where the secret's first
        // character is followed by its second or by the start of a break (a String.indexOf away)
        int i = from;
        while (i < n) {
            boolean match;
            if (prefilter) {
                i = text.indexOf(c0, i);
                if (i < 0 || i + 1 >= n) {
                    break;
                }
                char d = text.charAt(i + 1);
                if (d != c1 && d != ' ' && d != '\t' && d != '\r' && d != '\n') {
                    i++;
                    continue;
                }
                m.region(i, n);
                match = m.lookingAt();
            } else {
                m.region(i, n);
                match = m.find();
            }
            if (!match) {
                if (!prefilter) {
                    break;
                }
                i++;
                continue;
            }
            if (out != null) {
                out.append(text, last, m.start()).append(mask);
            }
            last = m.end();
            count++;
            i = Math.max(m.end(), m.start() + 1);
        }
        if (out != null && count > 0) {
            out.append(text, last, text.length());
        }
        return count;
    }
}
