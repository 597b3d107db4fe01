package dev.selfheal.sanitize;

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
    /** Per line rule: it has no keywords (runs on every line). A flat array: maskLine skips ~100 rules a line. */
    private final boolean[] keywordless;
    /** The mask can break lines: then the release rescan cannot rely on line-wise bookkeeping. */
    private final boolean maskBreaksLines;
    private final List<Pattern> allowlist;
    private final List<String> ownSecrets;
    private final List<SplitSecret> splitSecrets;
    private final KeywordTable keywords;
    private volatile Consumer<String> history;

    @Autowired
    public Sanitizer(PolicyFiles policies, SelfhealProperties properties, Environment environment) {
        this(policies.maskRules(), ownSecrets(properties, environment));
    }

    public Sanitizer(MaskRules maskRules, List<String> secrets) {
        this.maskFormat = maskRules.mask();
        this.maskBreaksLines = maskFormat.indexOf('\n') >= 0;
        this.verify = maskRules.verify() == null || maskRules.verify();
        List<CompiledRule> all = new ArrayList<>(maskRules.rules().stream().map(CompiledRule::new).toList());
        MaskRules.Rule maskedLabel = maskedLabelRule(maskFormat);
        if (maskedLabel != null) {
            all.add(new CompiledRule(maskedLabel));
        }
        this.multiLineRules = all.stream().filter(r -> r.multiLine).toList();
        this.lineRules = all.stream().filter(r -> !r.multiLine).toList();
        this.alwaysRules = lineRules.stream().filter(r -> r.keywords.isEmpty()).toList();
        this.keywordless = new boolean[lineRules.size()];
        for (int r = 0; r < lineRules.size(); r++) {
            keywordless[r] = lineRules.get(r).keywords.isEmpty();
        }
        this.allowlist = maskRules.allowlist().stream().map(Pattern::compile).toList();
        this.ownSecrets = encodedVariants(secrets);
        this.splitSecrets = secrets.stream().filter(s -> s != null && s.length() >= 6)
                .flatMap(s -> java.util.stream.Stream.of(s,
                        Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8))))
                .distinct().map(s -> new SplitSecret(s, mask(OWN_SECRET))).toList();
        this.keywords = new KeywordTable(splitSecrets.size());
        for (int r = 0; r < lineRules.size(); r++) {
            for (String k : lineRules.get(r).keywords) {
                keywords.add(new Keyword(k, r, Keyword.LINE_RULE, false));
            }
        }
        for (int r = 0; r < multiLineRules.size(); r++) {
            for (String k : multiLineRules.get(r).keywords) {
                keywords.add(new Keyword(k, r, Keyword.MULTI_LINE_RULE, false));
            }
        }
        for (String own : ownSecrets) {
            keywords.add(new Keyword(own, -1, Keyword.OWN, true));
        }
        for (int i = 0; i < splitSecrets.size(); i++) {
            keywords.add(new Keyword(splitSecrets.get(i).firstHalf, 2 * i, Keyword.SPLIT, true));
            keywords.add(new Keyword(splitSecrets.get(i).secondHalf, 2 * i + 1, Keyword.SPLIT, true));
        }
    }

    static final String MASKED_LABEL = "masked-label-value";

    /**
     * A mask followed by an assignment and a value ({@code [MASKED:x] = VALUE}, {@code "[MASKED:x]": "VALUE"}): a
     * rule masked a name and left its value in clear. It runs after every configured rule, so the release rescan
     * refuses such output; a bare ':' counts only before a space or after a quote (a masked token in
     * {@code https://TOKEN:x-oauth-basic@host} is not a name). Null when the mask has no usable keyword before
     * {@code {id}}.
     */
    static MaskRules.Rule maskedLabelRule(String maskFormat) {
        int id = maskFormat.indexOf("{id}");
        String prefix = maskFormat.substring(0, Math.max(0, id));
        if (id < 0 || prefix.length() < 2 || prefix.charAt(0) >= 128 || prefix.charAt(1) >= 128
                || prefix.indexOf('\n') >= 0) {
            return null;
        }
        String regex = Pattern.quote(prefix) + "[a-z0-9-]+" + Pattern.quote(maskFormat.substring(id + 4))
                + "(?:\\s*(?::=|=>|=)\\s*|\\\\?[\"']?:\\s+|\\\\?[\"']\\s*:\\s*)\\\\?[\"'`]?"
                + "(?<secret>[^\\s\"'`&;,\\\\}]{6,})";
        return new MaskRules.Rule(MASKED_LABEL, regex, List.of(prefix), 2.5, 0);
    }

    /** What scan produced: the text, and for the release rescan where it differs from the keyword-passed text. */
    private record Scanned(String out, MaskedLines maskedLines, KeywordHits hits) {
    }

    private static List<String> ownSecrets(SelfhealProperties properties, Environment environment) {
        List<String> secrets = new ArrayList<>();
        secrets.add(properties.github().token());
        secrets.add(properties.github().webhookSecret());
        secrets.add(properties.slack().webhookUrl());
        secrets.add(environment.getProperty("spring.datasource.password"));
        secrets.add(environment.getProperty("selfheal.api.bootstrap-key"));
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
        return scan(text, null, false).out;
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
        Scanned scanned = scan(text, counts, verify);
        String out = scanned.out;
        if (verify) {
            Map<String, Integer> left = rescan(scanned);
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

    /**
     * The same answer as {@code findings(out)}, with less work: the output differs from the text the last keyword
     * pass saw only on the lines where a line rule masked something. Every other line was already tried with
     * exactly the rules a rescan would try, and matched nothing, so only the masked lines are scanned again. An
     * own secret (or half of one) can only be in the output where that pass saw one or on a masked line; the
     * own-secret checks find nothing when it is not there, so running them on that union is exact.
     */
    private Map<String, Integer> rescan(Scanned scanned) {
        String out = scanned.out;
        KeywordHits before = scanned.hits;
        if (maskBreaksLines || !before.multi.isEmpty()) {
            return findings(out);
        }
        Map<String, Integer> found = new TreeMap<>();
        boolean own = before.own;
        // which split secrets had a half in sight; the others cannot be in the output
        boolean[] splitSeen = new boolean[splitSecrets.size()];
        seenSplits(before, splitSeen);
        MaskedLines lines = scanned.maskedLines;
        LineWork work = new LineWork(lineRules);
        for (int i = 0; i < lines.size; i += 2) {
            int start = lines.v[i];
            int end = lines.v[i + 1];
            // keywords overlapping the line may start before it
            KeywordHits hits = keywords.pass(out, Math.max(0, start - keywords.longestKeyword() + 1), end);
            if (!hits.multi.isEmpty()) {
                return findings(out);
            }
            own |= hits.own;
            seenSplits(hits, splitSeen);
            int first = 0;
            while (first < hits.size && hits.pos[first] < start) {
                first++;
            }
            maskLine(out, start, end, hits, first, hits.size, work, null, found);
        }
        if (own) {
            for (String secret : ownSecrets) {
                if (out.contains(secret)) {
                    found.merge(OWN_SECRET, 1, Integer::sum);
                }
            }
        }
        for (int i = 0; i < splitSeen.length; i++) {
            // the halves' positions moved with the masks: look them up in the output
            SplitSecret s = splitSecrets.get(i);
            if (splitSeen[i] && s.find(out, null, out.indexOf(s.firstHalf), out.indexOf(s.secondHalf)) > 0) {
                found.merge(OWN_SECRET, 1, Integer::sum);
            }
        }
        return found;
    }

    private void seenSplits(KeywordHits hits, boolean[] seen) {
        for (int i = 0; i < seen.length; i++) {
            seen[i] |= keywords.forceOwnScan() || hits.splitAt[2 * i] >= 0 || hits.splitAt[2 * i + 1] >= 0;
        }
    }

    private void splitFindings(String text, KeywordHits hits, Map<String, Integer> found) {
        for (int i = 0; i < splitSecrets.size(); i++) {
            SplitSecret split = splitSecrets.get(i);
            int first = keywords.forceOwnScan() ? text.indexOf(split.firstHalf) : hits.splitAt[2 * i];
            int second = keywords.forceOwnScan() ? text.indexOf(split.secondHalf) : hits.splitAt[2 * i + 1];
            if (split.find(text, null, first, second) > 0) {
                found.merge(OWN_SECRET, 1, Integer::sum);
            }
        }
    }

    /** What still matches in {@code text}: rule id (or {@value #OWN_SECRET}) to count. Empty when clean. */
    public Map<String, Integer> findings(String text) {
        Map<String, Integer> found = new TreeMap<>();
        if (text == null || text.isEmpty()) {
            return found;
        }
        KeywordHits hits = keywords.pass(text, 0, text.length());
        if (hits.own) {
            for (String secret : ownSecrets) {
                if (text.contains(secret)) {
                    found.merge(OWN_SECRET, 1, Integer::sum);
                }
            }
        }
        if (hits.split) {
            splitFindings(text, hits, found);
        }
        hits.multi.stream().forEach(r -> multiLineRules.get(r).matches(text, 0, text.length(), this,
                (rule, start, end) -> found.merge(rule.id, 1, Integer::sum)));
        forEachLine(text, hits, new LineWork(lineRules), (start, end, from, to, work) ->
                maskLine(text, start, end, hits, from, to, work, null, found));
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
     * keyword gets those rules; other lines are copied untouched. With {@code forRescan} it also notes where
     * the output's masked lines are.
     */
    private Scanned scan(String text, Map<String, Integer> counts, boolean forRescan) {
        String out = text;
        KeywordHits hits = keywords.pass(out, 0, out.length());
        if (hits.wholeText()) {
            // while the text is unchanged, the pass's positions of the split halves are exact
            boolean changed = keywords.forceOwnScan();
            if (hits.own) {
                for (String secret : ownSecrets) {
                    if (out.contains(secret)) {
                        if (counts != null) {
                            counts.merge(OWN_SECRET, 1, Integer::sum);
                        }
                        out = out.replace(secret, mask(OWN_SECRET));
                        changed = true;
                    }
                }
            }
            if (hits.split) {
                for (int i = 0; i < splitSecrets.size(); i++) {
                    SplitSecret split = splitSecrets.get(i);
                    int first = changed ? out.indexOf(split.firstHalf) : hits.splitAt[2 * i];
                    int second = changed ? out.indexOf(split.secondHalf) : hits.splitAt[2 * i + 1];
                    if (first < 0 && second < 0) {
                        continue;
                    }
                    StringBuilder masked = new StringBuilder(out.length() + 64);
                    int n = split.find(out, masked, first, second);
                    if (n > 0) {
                        changed = true;
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
            hits = keywords.pass(out, 0, out.length());
        }
        return maskLines(out, hits, counts, forRescan);
    }

    private Scanned maskLines(String in, KeywordHits hits, Map<String, Integer> counts, boolean forRescan) {
        MaskedLines maskedLines = forRescan ? new MaskedLines() : null;
        if (hits.size == 0 && alwaysRules.isEmpty()) {
            return new Scanned(in, maskedLines, hits);
        }
        StringBuilder[] result = {null};
        int[] copied = {0};
        forEachLine(in, hits, new LineWork(lineRules), (start, end, from, to, work) -> {
            String masked = maskLine(in, start, end, hits, from, to, work, counts, null);
            if (masked != null) {
                if (result[0] == null) {
                    result[0] = new StringBuilder(in.length() + 256);
                }
                result[0].append(in, copied[0], start);
                if (maskedLines != null) {
                    maskedLines.add(result[0].length());
                    maskedLines.add(result[0].length() + masked.length());
                }
                result[0].append(masked);
                copied[0] = end;
            }
        });
        String out = result[0] == null ? in : result[0].append(in, copied[0], in.length()).toString();
        return new Scanned(out, maskedLines, hits);
    }

    private interface LineVisitor {
        /** A line [start, end) of the text; its keyword hits are hits[from, to). */
        void visit(int start, int end, int from, int to, LineWork work);
    }

    /** Lines holding a line rule's keyword (every non-empty line when a rule has no keywords), in order. */
    private void forEachLine(String text, KeywordHits hits, LineWork work, LineVisitor visitor) {
        int n = text.length();
        boolean everyLine = !alwaysRules.isEmpty();
        int h = 0;
        int start = everyLine ? 0 : lineStart(text, hits, 0);
        while (start < n) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            int to = h;
            while (to < hits.size && hits.pos[to] < end) {
                to++;
            }
            if (end > start && (to > h || everyLine)) {
                visitor.visit(start, end, h, to, work);
            }
            h = to;
            start = everyLine ? end + 1 : h < hits.size ? lineStart(text, hits, h) : n;
        }
    }

    private static int lineStart(String text, KeywordHits hits, int h) {
        return h < hits.size ? text.lastIndexOf('\n', hits.pos[h]) + 1 : text.length();
    }

    /**
     * The line rules hit on text[start, end), in rule order. With {@code found}, only counts what matches
     * (findings); otherwise masks, each rule seeing the masks of the ones before, and returns the masked line or
     * null when nothing was masked.
     */
    private String maskLine(String text, int start, int end, KeywordHits hits, int from, int to, LineWork work,
            Map<String, Integer> counts, Map<String, Integer> found) {
        boolean[] ruleHit = work.ruleHit;
        for (int h = from; h < to; h++) {
            ruleHit[hits.rule[h]] = true;
        }
        String line = text.substring(start, end);
        boolean changed = false;
        for (int r = 0; r < ruleHit.length; r++) {
            if (!ruleHit[r] && !keywordless[r]) {
                continue;
            }
            CompiledRule rule = lineRules.get(r);
            ruleHit[r] = false;
            Matcher m = work.matcher(r, line);
            int count = -1;
            if (rule.keywordWithin >= 0) {
                count = 0;
                if (!changed) {
                    for (int h = from; h < to; h++) {
                        if (hits.rule[h] == r) {
                            work.addPosition(count++, hits.pos[h] - start);
                        }
                    }
                } else {
                    // earlier masks moved (or hid) this rule's keywords: find them again in the masked line
                    for (int i = 0; i < line.length(); i++) {
                        for (String k : rule.keywords) {
                            if (line.regionMatches(true, i, k, 0, k.length())) {
                                work.addPosition(count++, i);
                                break;
                            }
                        }
                    }
                }
            }
            if (found != null) {
                rule.matches(m, line, work.positions, count, this, (c, s, e) -> found.merge(c.id, 1, Integer::sum));
                continue;
            }
            String masked = rule.apply(m, line, work.positions, count, this, counts);
            if (masked != line) {
                line = masked;
                changed = true;
            }
        }
        return changed ? line : null;
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

}
