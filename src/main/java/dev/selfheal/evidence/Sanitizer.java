package dev.selfheal.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.policy.MaskRules;
import dev.selfheal.policy.PolicyFiles;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The one sanitizer everything outward passes through (files, Slack, issues, rows, API answers). It masks, in
 * order: every secret Selfheal itself holds (also base64-, URL- and JSON-escaped), then each rule of
 * {@code config/phase4-mask-rules.json}. A mask keeps the rule id: {@code [MASKED:github-pat]}.
 */
@Component
public class Sanitizer {

    static final String OWN_SECRET = "selfheal-secret";

    private final String maskFormat;
    private final boolean verify;
    /** Rules whose regex can span lines (private key blocks): run over the whole text. */
    private final List<CompiledRule> multiLineRules;
    /** Every other rule: run per line, only on lines holding one of its keywords. */
    private final List<CompiledRule> lineRules;
    private final List<CompiledRule> alwaysRules;
    /** ASCII char (both cases) to the keywords starting with it. */
    private final Keyword[][] keywordTable = new Keyword[128 * 128][];
    private final List<Pattern> allowlist;
    private final List<String> ownSecrets;
    private final List<SplitSecret> splitSecrets;
    private volatile Consumer<String> history;
    private boolean forceOwnScan;

    @Autowired
    public Sanitizer(PolicyFiles policies, SelfhealProperties properties, Environment environment) {
        this(policies.maskRules(), ownSecrets(properties, environment));
    }

    public Sanitizer(MaskRules maskRules, List<String> secrets) {
        this.maskFormat = maskRules.mask();
        this.verify = maskRules.verify() == null || maskRules.verify();
        List<CompiledRule> all = maskRules.rules().stream().map(CompiledRule::new).toList();
        this.multiLineRules = all.stream().filter(r -> r.multiLine).toList();
        this.lineRules = all.stream().filter(r -> !r.multiLine).toList();
        this.alwaysRules = lineRules.stream().filter(r -> r.keywords.isEmpty()).toList();
        for (int r = 0; r < lineRules.size(); r++) {
            for (String k : lineRules.get(r).keywords) {
                addKeyword(new Keyword(k, r, LINE_RULE, false));
            }
        }
        for (int r = 0; r < multiLineRules.size(); r++) {
            for (String k : multiLineRules.get(r).keywords) {
                addKeyword(new Keyword(k, r, MULTI_LINE_RULE, false));
            }
        }
        this.allowlist = maskRules.allowlist().stream().map(Pattern::compile).toList();
        this.ownSecrets = encodedVariants(secrets);
        this.splitSecrets = secrets.stream().filter(s -> s != null && s.length() >= 6)
                .flatMap(s -> java.util.stream.Stream.of(s,
                        Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8))))
                .distinct().map(SplitSecret::new).toList();
        for (String own : ownSecrets) {
            addKeyword(new Keyword(own, -1, OWN, true));
        }
        for (SplitSecret split : splitSecrets) {
            addKeyword(new Keyword(split.firstHalf, -1, SPLIT, true));
            addKeyword(new Keyword(split.secondHalf, -1, SPLIT, true));
        }
    }

    private static final int LINE_RULE = 0;
    private static final int MULTI_LINE_RULE = 1;
    private static final int OWN = 2;
    private static final int SPLIT = 3;

    /**
     * Keywords are found in one pass over the text through a table of their first two characters (both cases
     * unless exact), so a character costs one array read unless a keyword could start there.
     */
    private void addKeyword(Keyword k) {
        boolean ascii = !k.text.isEmpty() && k.text.charAt(0) < 128 && (k.text.length() == 1 || k.text.charAt(1) < 128);
        if (!ascii && k.exact) {
            // an own secret starting with non-ASCII: always run the (slower) whole-text own-secret step
            forceOwnScan = true;
            return;
        }
        if (!ascii) {
            throw new IllegalArgumentException("mask keyword must start with two ASCII characters: " + k.text);
        }
        char c0 = k.text.charAt(0);
        List<Character> firsts = k.exact ? List.of(c0)
                : List.of(Character.toLowerCase(c0), Character.toUpperCase(c0));
        List<Character> seconds = new ArrayList<>();
        if (k.text.length() == 1) {
            for (char c = 0; c < 128; c++) {
                seconds.add(c);
            }
        } else {
            char c1 = k.text.charAt(1);
            seconds.addAll(k.exact ? List.of(c1) : List.of(Character.toLowerCase(c1), Character.toUpperCase(c1)));
        }
        for (char f : new java.util.LinkedHashSet<>(firsts)) {
            for (char t : new java.util.LinkedHashSet<>(seconds)) {
                int slot = (f << 7) | t;
                Keyword[] old = keywordTable[slot];
                Keyword[] grown = old == null ? new Keyword[1] : Arrays.copyOf(old, old.length + 1);
                grown[grown.length - 1] = k;
                keywordTable[slot] = grown;
            }
        }
    }

    private record Keyword(String text, int rule, int kind, boolean exact) {
    }

    /** What one keyword pass found: lines with line-rule keywords, and whether the rare whole-text work is due. */
    private static final class Hits {
        final List<int[]> lines = new ArrayList<>();
        final List<List<CompiledRule>> rules = new ArrayList<>();
        boolean own;
        boolean split;
        final java.util.BitSet multi = new java.util.BitSet();
    }

    /**
     * An own secret broken over lines (a log wrapping a long value, an echo split in two): GitHub's {@code ***}
     * masking misses these. Every split leaves one half of the secret intact, so only around an occurrence of a
     * half is the (slower) pattern with optional line breaks between characters tried.
     */
    private final class SplitSecret {
        final String firstHalf;
        final String secondHalf;
        final Pattern pattern;
        final int length;

        SplitSecret(String secret) {
            this.length = secret.length();
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

        /** Number of split occurrences; when {@code out} is given it receives the text with them masked. */
        int find(String text, StringBuilder out) {
            int first = text.indexOf(firstHalf);
            int second = text.indexOf(secondHalf);
            if (first < 0 && second < 0) {
                return 0;
            }
            int window = length * 40 + 256;
            int from = Math.max(0, Math.min(first < 0 ? Integer.MAX_VALUE : first,
                    second < 0 ? Integer.MAX_VALUE : second) - window);
            Matcher m = pattern.matcher(text);
            m.region(from, text.length());
            int count = 0;
            int last = 0;
            while (m.find()) {
                if (out != null) {
                    out.append(text, last, m.start()).append(mask(OWN_SECRET));
                }
                last = m.end();
                count++;
            }
            if (out != null && count > 0) {
                out.append(text, last, text.length());
            }
            return count;
        }
    }

    private static List<String> ownSecrets(SelfhealProperties properties, Environment environment) {
        List<String> secrets = new ArrayList<>();
        secrets.add(properties.github().token());
        secrets.add(properties.github().webhookSecret());
        secrets.add(properties.slack().webhookUrl());
        secrets.add(environment.getProperty("spring.datasource.password"));
        return secrets;
    }

    /** Each secret as written and as base64, URL and JSON escaping would show it; longest first. */
    private static List<String> encodedVariants(List<String> secrets) {
        Set<String> variants = new LinkedHashSet<>();
        for (String s : secrets) {
            // very short values (a test password "x") would mask ordinary text; the rules still apply to them
            if (s == null || s.length() < 6) {
                continue;
            }
            variants.add(s);
            variants.add(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
            variants.add(Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
            variants.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
            variants.add(s.replace("\\", "\\\\").replace("/", "\\/").replace("\"", "\\\""));
        }
        return variants.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public String sanitize(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return scan(text, null);
    }

    /**
     * Verify before release: sanitizes, scans the output again and returns it only when nothing matches any
     * more; otherwise nothing is released (fail closed), the refusal goes to the sanitization history and a
     * {@link SanitizationRefusedException} names the rules still matching (never the text).
     */
    public String release(String text, String destination) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        Map<String, Integer> counts = new TreeMap<>();
        String out = scan(text, counts);
        if (verify) {
            Map<String, Integer> left = findings(out);
            if (!left.isEmpty()) {
                record("REFUSED destination=" + destination + " bytes=" + text.length() + " still_matching=" + left
                        + " masked=" + counts);
                throw new SanitizationRefusedException(destination, left);
            }
        }
        if (!counts.isEmpty()) {
            record("released destination=" + destination + " bytes=" + text.length() + " masked=" + counts);
        }
        return out;
    }

    /** What still matches in {@code text}: rule id (or {@value #OWN_SECRET}) to count. Empty when clean. */
    public Map<String, Integer> findings(String text) {
        Map<String, Integer> found = new TreeMap<>();
        if (text == null || text.isEmpty()) {
            return found;
        }
        Hits hits = keywordPass(text);
        if (hits.own) {
            for (String secret : ownSecrets) {
                if (text.contains(secret)) {
                    found.merge(OWN_SECRET, 1, Integer::sum);
                }
            }
        }
        if (hits.split) {
            for (SplitSecret split : splitSecrets) {
                if (split.find(text, null) > 0) {
                    found.merge(OWN_SECRET, 1, Integer::sum);
                }
            }
        }
        hits.multi.stream().forEach(r -> multiLineRules.get(r).matches(text, 0, text.length(), this,
                (rule, start, end) -> found.merge(rule.id, 1, Integer::sum)));
        for (int i = 0; i < hits.lines.size(); i++) {
            int[] line = hits.lines.get(i);
            for (CompiledRule rule : hits.rules.get(i)) {
                rule.matches(text, line[0], line[1], this, (r, start, end) -> found.merge(r.id, 1, Integer::sum));
            }
        }
        return found;
    }

    /** Where the sanitization history goes (the day log "sanitization", wired by {@link ReportLog}). */
    public void recordHistoryIn(Consumer<String> history) {
        this.history = history;
    }

    private void record(String line) {
        Consumer<String> h = history;
        if (h != null) {
            h.accept(line);
        }
    }

    /**
     * One keyword pass; when it saw an own secret, a half of one, or a multi-line rule's keyword (rare), those
     * are masked over the whole text first and the pass is repeated. Then each line holding a line rule's
     * keyword gets those rules; other lines are copied untouched.
     */
    private String scan(String text, Map<String, Integer> counts) {
        String out = text;
        Hits hits = keywordPass(out);
        if (hits.own || hits.split || !hits.multi.isEmpty()) {
            if (hits.own) {
                for (String secret : ownSecrets) {
                    if (out.contains(secret)) {
                        if (counts != null) {
                            counts.merge(OWN_SECRET, 1, Integer::sum);
                        }
                        out = out.replace(secret, mask(OWN_SECRET));
                    }
                }
            }
            if (hits.split) {
                for (SplitSecret split : splitSecrets) {
                    StringBuilder masked = new StringBuilder();
                    int n = split.find(out, masked);
                    if (n > 0) {
                        if (counts != null) {
                            counts.merge(OWN_SECRET, n, Integer::sum);
                        }
                        out = masked.toString();
                    }
                }
            }
            for (int r = hits.multi.nextSetBit(0); r >= 0; r = hits.multi.nextSetBit(r + 1)) {
                out = multiLineRules.get(r).apply(out, 0, out.length(), this, counts);
            }
            hits = keywordPass(out);
        }
        if (hits.lines.isEmpty()) {
            return out;
        }
        StringBuilder result = null;
        int copied = 0;
        for (int i = 0; i < hits.lines.size(); i++) {
            int[] range = hits.lines.get(i);
            String line = out.substring(range[0], range[1]);
            String masked = line;
            for (CompiledRule rule : hits.rules.get(i)) {
                masked = rule.apply(masked, 0, masked.length(), this, counts);
            }
            if (!masked.equals(line)) {
                if (result == null) {
                    result = new StringBuilder(out.length() + 256);
                }
                result.append(out, copied, range[0]).append(masked);
                copied = range[1];
            }
        }
        return result == null ? out : result.append(out, copied, out.length()).toString();
    }

    private interface RuleMatch {
        void accept(CompiledRule rule, int start, int end);
    }

    private Hits keywordPass(String text) {
        Hits hits = new Hits();
        hits.own = forceOwnScan;
        hits.split = forceOwnScan;
        int n = text.length();
        boolean[] ruleHit = new boolean[lineRules.size()];
        boolean anyRule = false;
        int lineStart = 0;
        for (int i = 0; i < n; i++) {
            char c0 = text.charAt(i);
            if (c0 == '\n') {
                if (anyRule || !alwaysRules.isEmpty()) {
                    addLine(hits, ruleHit, lineStart, i);
                }
                anyRule = false;
                lineStart = i + 1;
                continue;
            }
            if (c0 >= 128 || i + 1 >= n) {
                continue;
            }
            char c1 = text.charAt(i + 1);
            if (c1 >= 128) {
                continue;
            }
            Keyword[] candidates = keywordTable[(c0 << 7) | c1];
            if (candidates == null) {
                continue;
            }
            for (Keyword k : candidates) {
                if (k.kind == LINE_RULE && ruleHit[k.rule]) {
                    continue;
                }
                if (!text.regionMatches(!k.exact, i, k.text, 0, k.text.length())) {
                    continue;
                }
                switch (k.kind) {
                    case LINE_RULE -> {
                        ruleHit[k.rule] = true;
                        anyRule = true;
                    }
                    case MULTI_LINE_RULE -> hits.multi.set(k.rule);
                    case OWN -> hits.own = true;
                    default -> hits.split = true;
                }
            }
        }
        if (lineStart < n && (anyRule || !alwaysRules.isEmpty())) {
            addLine(hits, ruleHit, lineStart, n);
        }
        return hits;
    }

    private void addLine(Hits hits, boolean[] ruleHit, int start, int end) {
        List<CompiledRule> rules = new ArrayList<>(2);
        for (int r = 0; r < ruleHit.length; r++) {
            if (ruleHit[r] || lineRules.get(r).keywords.isEmpty()) {
                rules.add(lineRules.get(r));
                ruleHit[r] = false;
            }
        }
        if (!rules.isEmpty() && end > start) {
            hits.lines.add(new int[] {start, end});
            hits.rules.add(rules);
        }
    }

    /** A JSON tree with every string value (and field name) sanitized; the input is not changed. */
    public JsonNode sanitize(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(sanitize(node.asText()));
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                copy.set(sanitize(field.getKey()), sanitize(field.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            node.forEach(item -> copy.add(sanitize(item)));
            return copy;
        }
        return node;
    }

    String mask(String ruleId) {
        return maskFormat.replace("{id}", ruleId);
    }

    boolean allowlisted(String candidate) {
        for (Pattern p : allowlist) {
            if (p.matcher(candidate).find()) {
                return true;
            }
        }
        return false;
    }

    private static final class CompiledRule {
        final String id;
        final Pattern pattern;
        final List<String> keywords;
        final Double entropy;
        final boolean hasSecretGroup;
        final boolean multiLine;

        CompiledRule(MaskRules.Rule rule) {
            this.id = rule.id();
            this.pattern = Pattern.compile(rule.regex());
            this.keywords = rule.keywords() == null ? List.of()
                    : rule.keywords().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
            this.entropy = rule.entropy();
            this.hasSecretGroup = rule.regex().contains("(?<secret>");
            this.multiLine = rule.regex().contains("[\\s\\S]") || rule.regex().contains("(?s)");
        }

        /** Masks every accepted match in text[from, to); returns text itself when nothing matched. */
        String apply(String text, int from, int to, Sanitizer sanitizer, Map<String, Integer> counts) {
            StringBuilder[] out = {null};
            int[] last = {0};
            matches(text, from, to, sanitizer, (rule, start, end) -> {
                if (out[0] == null) {
                    out[0] = new StringBuilder(text.length() + 32);
                }
                out[0].append(text, last[0], start).append(sanitizer.mask(id));
                last[0] = end;
                if (counts != null) {
                    counts.merge(id, 1, Integer::sum);
                }
            });
            if (out[0] == null) {
                return text;
            }
            return out[0].append(text, last[0], text.length()).toString();
        }

        /** Each match that is not allowlisted and meets the entropy threshold: the part to mask. */
        void matches(String text, int from, int to, Sanitizer sanitizer, RuleMatch match) {
            Matcher m = pattern.matcher(text);
            m.region(from, to);
            while (m.find()) {
                int start = hasSecretGroup && m.start("secret") >= 0 ? m.start("secret") : m.start();
                int end = hasSecretGroup && m.start("secret") >= 0 ? m.end("secret") : m.end();
                String candidate = text.substring(start, end);
                if (sanitizer.allowlisted(candidate) || (entropy != null && shannon(candidate) < entropy)) {
                    continue;
                }
                match.accept(this, start, end);
            }
        }
    }

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
