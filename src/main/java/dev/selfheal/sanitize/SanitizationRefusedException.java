package dev.selfheal.sanitize;

import java.util.Map;

/**
 * Fail closed: the sanitized text still matched a rule or an own secret when scanned again, so it was not
 * written or sent. The message names the destination and the rules, never the text.
 */
public class SanitizationRefusedException extends RuntimeException {

    private final transient Map<String, Integer> stillMatching;

    public SanitizationRefusedException(String destination, Map<String, Integer> stillMatching) {
        super("not released to " + destination + ": the sanitized output still matches " + stillMatching);
        this.stillMatching = Map.copyOf(stillMatching);
    }

    public Map<String, Integer> stillMatching() {
        return stillMatching;
    }
}
