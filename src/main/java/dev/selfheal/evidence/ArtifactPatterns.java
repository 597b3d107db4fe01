package dev.selfheal.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code selfheal.evidence.artifact-patterns}: which of a run's artifacts are collected, by name. A comma list of
 * globs ({@code *} any run of characters, {@code ?} one character; case-sensitive, as GitHub's names are);
 * {@code *} (the default) takes every artifact. An empty list is refused at start-up: it would collect nothing
 * without saying so.
 */
public final class ArtifactPatterns {

    private final List<String> globs = new ArrayList<>();
    private final List<Pattern> compiled = new ArrayList<>();

    public ArtifactPatterns(String commaList) {
        for (String g : commaList == null ? new String[0] : commaList.split(",")) {
            if (!g.isBlank()) {
                globs.add(g.strip());
                compiled.add(Pattern.compile(toRegex(g.strip())));
            }
        }
        if (globs.isEmpty()) {
            throw new IllegalStateException("Selfheal cannot start: selfheal.evidence.artifact-patterns is empty; "
                    + "use * to collect every artifact");
        }
    }

    public boolean matches(String artifactName) {
        return compiled.stream().anyMatch(p -> p.matcher(artifactName).matches());
    }

    private static String toRegex(String glob) {
        StringBuilder b = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> b.append(".*");
                case '?' -> b.append('.');
                default -> b.append(Pattern.quote(Character.toString(c)));
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return String.join(",", globs);
    }
}
