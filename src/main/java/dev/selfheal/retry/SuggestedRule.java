package dev.selfheal.retry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A classification rule suggested from one error line no rule recognised: GitHub's timestamp and {@code ##[error]}
 * prefix stripped; the volatile parts (UUIDs, URLs, paths, hex hashes, quoted strings, numbers) replaced by
 * generic regex pieces; everything else escaped; leading and trailing generic pieces dropped so the rule starts
 * and ends on stable words. {@link #normalised()} is the line with the volatile parts as placeholders ({@code <n>},
 * {@code <hash>}, ...): failures whose lines differ only there group together. {@link #keywords()} holds the
 * longest stable run of words, which the pattern contains literally, so the rule passes the policy loader's check
 * that every alternative holds a keyword.
 */
public record SuggestedRule(String id, String normalised, String pattern, List<String> keywords) {

    /** Longest part of a line the rule is built from; the rest adds nothing a reader needs. */
    static final int MAX_SOURCE = 200;
    private static final Pattern PREFIX = Pattern.compile(
            "^(?:\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\\s+)?(?:##\\[(?:error|warning)\\]\\s*)?");

    private record Piece(String name, Pattern match, String placeholder, String regex) {
    }

    // order matters: a UUID or a URL holds numbers and slashes, a path holds a hash
    private static final List<Piece> PIECES = List.of(
            new Piece("uuid", Pattern.compile(
                    "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b"),
                    "<uuid>", "[0-9a-fA-F-]{36}"),
            new Piece("url", Pattern.compile("\\b[a-z][a-z0-9+.-]*://[^\\s'\"`)\\]>]+"), "<url>", "\\S+"),
            new Piece("quoted", Pattern.compile("'[^'\\n]{0,200}'"), "'<text>'", "'[^']*'"),
            new Piece("dquoted", Pattern.compile("\"[^\"\\n]{0,200}\""), "\"<text>\"", "\"[^\"]*\""),
            new Piece("backquoted", Pattern.compile("`[^`\\n]{0,200}`"), "`<text>`", "`[^`]*`"),
            new Piece("path", Pattern.compile(
                    "(?:(?:\\b[A-Za-z]:|~|\\.{1,2})?(?:[\\\\/][\\w.@+-]+){2,}[\\\\/]?|\\b[\\w.@+-]+(?:/[\\w.@+-]+){2,}/?)"
                    + "(?<![.,;:])"),
                    "<path>", "\\S+"),
            new Piece("hash", Pattern.compile("\\b(?=[0-9a-fA-F]*\\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{7,64}\\b"),
                    "<hash>", "[0-9a-fA-F]+"),
            new Piece("number", Pattern.compile("\\d+(?:[.,:]\\d+)*"), "<n>", "\\d+(?:[.,:]\\d+)*"),
            new Piece("space", Pattern.compile("\\s{2,}|\\t"), " ", "\\s+"));
    private static final Pattern ANY_PIECE = Pattern.compile(
            String.join("|", PIECES.stream().map(p -> "(" + p.match().pattern() + ")").toList()));
    private static final String SPECIAL = "\\.[]{}()*+?^$|";

    /** The suggestion for one line, or null when it holds no stable word to build a rule on. */
    public static SuggestedRule of(String line) {
        if (line == null) {
            return null;
        }
        String text = PREFIX.matcher(line.strip()).replaceFirst("").strip();
        if (text.length() > MAX_SOURCE) {
            text = text.substring(0, MAX_SOURCE);
        }
        // tokens: literal text (stable) or a generic piece (volatile), in order
        List<String[]> tokens = new ArrayList<>();
        Matcher m = ANY_PIECE.matcher(text);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                tokens.add(new String[] {"literal", text.substring(at, m.start())});
            }
            for (int g = 1; g <= PIECES.size(); g++) {
                if (m.group(g) != null) {
                    tokens.add(new String[] {PIECES.get(g - 1).name(), m.group()});
                    break;
                }
            }
            at = m.end();
        }
        if (at < text.length()) {
            tokens.add(new String[] {"literal", text.substring(at)});
        }
        // start and end on stable words: with find(), a leading or trailing generic piece only narrows the rule
        int first = 0;
        int last = tokens.size() - 1;
        while (first <= last && !stable(tokens.get(first))) {
            first++;
        }
        while (last >= first && !stable(tokens.get(last))) {
            last--;
        }
        if (first > last) {
            return null;
        }
        StringBuilder normalised = new StringBuilder();
        StringBuilder pattern = new StringBuilder();
        String keyword = "";
        for (int i = 0; i < tokens.size(); i++) {
            String[] t = tokens.get(i);
            boolean inRule = i >= first && i <= last;
            if (t[0].equals("literal")) {
                normalised.append(t[1]);
                if (!inRule) {
                    continue;
                }
                String literal = t[1];
                literal = i == first ? literal.stripLeading() : literal;
                literal = i == last ? literal.stripTrailing() : literal;
                pattern.append(escape(literal));
                for (String run : literal.split("[^\\p{L}\\p{N} _-]+")) {
                    if (run.strip().length() > keyword.length()) {
                        keyword = run.strip();
                    }
                }
            } else {
                Piece piece = PIECES.stream().filter(p -> p.name().equals(t[0])).findFirst().orElseThrow();
                normalised.append(piece.placeholder());
                if (inRule) {
                    pattern.append(piece.regex());
                }
            }
        }
        if (keyword.length() < 3) {
            return null;
        }
        return new SuggestedRule(id(keyword), normalised.toString().strip(), pattern.toString(), List.of(keyword));
    }

    /** As a classification rule of {@code phase4-retry-policy.json}, for an operator to give a category and paste. */
    public Map<String, Object> asPolicyRule(String category) {
        return ordered("id", id, "category", category, "keywords", keywords, "pattern", pattern);
    }

    /** Placeholder category of a suggestion: the operator decides whether the failure is worth a re-run. */
    public static final String CHOOSE = "CHOOSE-A-CATEGORY";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The rule as one line of JSON for the policy's "classification" list, category still to choose. */
    public String policyRuleJson() {
        try {
            return MAPPER.writeValueAsString(asPolicyRule(CHOOSE));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads back {@link #payload()} (an event's or a ticket's {@code suggestedRule}); null when there is none. */
    public static SuggestedRule fromPayload(JsonNode p) {
        if (p == null || !p.path("pattern").isTextual() || !p.path("keywords").isArray()) {
            return null;
        }
        List<String> keywords = new ArrayList<>();
        p.path("keywords").forEach(k -> keywords.add(k.asText()));
        return new SuggestedRule(p.path("id").asText("suggested-rule"), p.path("normalised").asText(""),
                p.path("pattern").asText(), List.copyOf(keywords));
    }

    /** For event payloads: the normalised line, id, pattern and keywords. */
    public Map<String, Object> payload() {
        return ordered("normalised", normalised, "id", id, "pattern", pattern, "keywords", keywords);
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static boolean stable(String[] token) {
        return token[0].equals("literal") && token[1].chars().anyMatch(Character::isLetter);
    }

    private static String escape(String literal) {
        StringBuilder b = new StringBuilder(literal.length() + 8);
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (SPECIAL.indexOf(c) >= 0) {
                b.append('\\');
            }
            if (c == '\t' || c == '\r' || c == '\n') {
                b.append("\\s");
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String id(String keyword) {
        String slug = keyword.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        return "suggested-" + (slug.isEmpty() ? "rule" : slug);
    }
}
