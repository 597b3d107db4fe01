package dev.selfheal.sanitize;

/** The entropy threshold of a mask rule: random-looking secrets score high, words and ids low. */
final class Entropy {

    private Entropy() {
    }

    /** Shannon entropy in bits per character; non-ASCII characters count as one symbol. */
    static double shannon(String s) {
        int[] counts = new int[128];
        int other = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 128) {
                counts[c]++;
            } else {
                other++;
            }
        }
        double h = 0;
        double n = s.length();
        for (int c : counts) {
            if (c > 0) {
                double p = c / n;
                h -= p * (Math.log(p) / Math.log(2));
            }
        }
        if (other > 0) {
            double p = other / n;
            h -= p * (Math.log(p) / Math.log(2));
        }
        return h;
    }
}
