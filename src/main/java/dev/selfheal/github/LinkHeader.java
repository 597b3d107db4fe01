package dev.selfheal.github;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GitHub's pagination header: {@code <https://...&page=2>; rel="next", <...>; rel="last"}. */
public final class LinkHeader {

    private static final Pattern PART = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"([^\"]+)\"");

    private LinkHeader() {
    }

    public static String next(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = PART.matcher(header);
        while (m.find()) {
            for (String rel : m.group(2).split("\\s+")) {
                if (rel.equals("next")) {
                    return m.group(1);
                }
            }
        }
        return null;
    }
}
