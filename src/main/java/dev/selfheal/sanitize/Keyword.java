package dev.selfheal.sanitize;

/** A keyword of the one-pass search: a rule keyword, an own secret, or half of a split secret. */
record Keyword(String text, int rule, int kind, boolean exact, char[] chars, char[] fold,
        boolean ascii) {

    /** Kinds: a line rule's keyword, a multi-line rule's keyword, an own secret, half of a split secret. */
    static final int LINE_RULE = 0;
    static final int MULTI_LINE_RULE = 1;
    static final int OWN = 2;
    static final int SPLIT = 3;

    Keyword(String text, int rule, int kind, boolean exact) {
        this(text, rule, kind, exact, text.toCharArray(), new char[text.length()],
                text.chars().allMatch(c -> c < 128));
        for (int j = 0; j < chars.length; j++) {
            char c = chars[j];
            if (!exact && Character.isLetter(c) && c < 128) {
                chars[j] = Character.toLowerCase(c);
                fold[j] = 0x20;
            }
        }
    }

    /**
     * {@code text.regionMatches(!exact, at, this.text, 0, length)} given that the first two characters already
     * match: for ASCII, case folding is one OR; anything else asks regionMatches (Unicode case rules).
     */
    boolean matchesAt(String text, int at) {
        int len = chars.length;
        if (at + len > text.length()) {
            return false;
        }
        if (!ascii) {
            return text.regionMatches(!exact, at, this.text, 0, len);
        }
        for (int j = Math.min(2, len); j < len; j++) {
            char t = text.charAt(at + j);
            if ((t | fold[j]) != chars[j]) {
                return !exact && t >= 128 && text.regionMatches(true, at, this.text, 0, len);
            }
        }
        return true;
    }
}
