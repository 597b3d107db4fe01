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
    /** Per line rule: it has no keywords (runs on every line). A flat array: maskLine skips ~100 rules a line. */
    private final boolean[] keywordless;
    /** ASCII char pair (both cases) to the keywords starting with it. */
    private final Keyword[][] keywordTable = new Keyword[128 * 128][];
    /** Which slots of {@link #keywordTable} are used: 2 KB that stay in L1, so most pairs cost one bit test. */
    private final long[] keywordSlots = new long[128 * 128 / 64];
    /** ASCII triples a keyword can start with (256 KB): most common pairs ("se", "to", "00") stop here. */
    private final long[] keywordTriples = new long[128 * 128 * 128 / 64];
    private int longestKeyword;
    /** The mask can break lines: then the release rescan cannot rely on line-wise bookkeeping. */
    private final boolean maskBreaksLines;
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
        for (int i = 0; i < splitSecrets.size(); i++) {
            addKeyword(new Keyword(splitSecrets.get(i).firstHalf, 2 * i, SPLIT, true));
            addKeyword(new Keyword(splitSecrets.get(i).secondHalf, 2 * i + 1, SPLIT, true));
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
        if ((!ascii || k.text.charAt(0) == '\n') && k.exact) {
            // an own secret the pass cannot see (non-ASCII start, or a line break, which the pass skips): always
            // run the (slower) whole-text own-secret step
            forceOwnScan = true;
            return;
        }
        if (!ascii) {
            throw new IllegalArgumentException("mask keyword must start with two ASCII characters: " + k.text);
        }
        longestKeyword = Math.max(longestKeyword, k.text.length());
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
            if (f == '\n') {
                // a keyword never starts at a line break (the pass has always skipped them)
                continue;
            }
            for (char t : new java.util.LinkedHashSet<>(seconds)) {
                int slot = (f << 7) | t;
                Keyword[] old = keywordTable[slot];
                Keyword[] grown = old == null ? new Keyword[1] : Arrays.copyOf(old, old.length + 1);
                grown[grown.length - 1] = k;
                keywordTable[slot] = grown;
                keywordSlots[slot >>> 6] |= 1L << slot;
                char c2 = k.text.length() > 2 ? k.text.charAt(2) : 0;
                boolean anyThird = k.text.length() < 3 || c2 >= 128;
                for (char third = 0; third < 128; third++) {
                    if (anyThird || third == c2 || (!k.exact && Character.toLowerCase(third) == Character.toLowerCase(c2))) {
                        int triple = (slot << 7) | third;
                        keywordTriples[triple >>> 6] |= 1L << triple;
                    }
                }
            }
        }
    }

    private record Keyword(String text, int rule, int kind, boolean exact, char[] chars, char[] fold,
            boolean ascii) {

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

    /**
     * What one keyword pass found: every line-rule keyword hit (position, rule) in text order, and whether the
     * rare whole-text work is due. Flat arrays: a 100 MB log has hundreds of thousands of hits.
     */
    private static final class Hits {
        int[] pos = new int[256];
        int[] rule = new int[256];
        int size;
        boolean own;
        boolean split;
        final java.util.BitSet multi = new java.util.BitSet();
        /** First position of each half of each split secret (2 * index + half), -1 when absent. */
        final int[] splitAt;

        Hits(int splitSecrets) {
            splitAt = new int[2 * splitSecrets];
            Arrays.fill(splitAt, -1);
        }

        void add(int p, int r) {
            if (size > 0 && pos[size - 1] == p && rule[size - 1] == r) {
                return;
            }
            if (size == pos.length) {
                pos = Arrays.copyOf(pos, size * 2);
                rule = Arrays.copyOf(rule, size * 2);
            }
            pos[size] = p;
            rule[size] = r;
            size++;
        }

        boolean wholeText() {
            return own || split || !multi.isEmpty();
        }
    }

    /** A growable list of ints (output ranges of masked lines). */
    private static final class Ints {
        int[] v = new int[16];
        int size;

        void add(int x) {
            if (size == v.length) {
                v = Arrays.copyOf(v, size * 2);
            }
            v[size++] = x;
        }
    }

    /** What scan produced: the text, and for the release rescan where it differs from the keyword-passed text. */
    private record Scanned(String out, Ints maskedLines, Hits hits) {
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

        final char c0;
        final char c1;
        final boolean prefilter;

        SplitSecret(String secret) {
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
                    out.append(text, last, m.start()).append(mask(OWN_SECRET));
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
        Hits before = scanned.hits;
        if (maskBreaksLines || !before.multi.isEmpty()) {
            return findings(out);
        }
        Map<String, Integer> found = new TreeMap<>();
        boolean own = before.own;
        // which split secrets had a half in sight; the others cannot be in the output
        boolean[] splitSeen = new boolean[splitSecrets.size()];
        seenSplits(before, splitSeen);
        Ints lines = scanned.maskedLines;
        LineWork work = new LineWork();
        for (int i = 0; i < lines.size; i += 2) {
            int start = lines.v[i];
            int end = lines.v[i + 1];
            // keywords overlapping the line may start before it
            Hits hits = keywordPass(out, Math.max(0, start - longestKeyword + 1), end);
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

    private void seenSplits(Hits hits, boolean[] seen) {
        for (int i = 0; i < seen.length; i++) {
            seen[i] |= forceOwnScan || hits.splitAt[2 * i] >= 0 || hits.splitAt[2 * i + 1] >= 0;
        }
    }

    private void splitFindings(String text, Hits hits, Map<String, Integer> found) {
        for (int i = 0; i < splitSecrets.size(); i++) {
            SplitSecret split = splitSecrets.get(i);
            int first = forceOwnScan ? text.indexOf(split.firstHalf) : hits.splitAt[2 * i];
            int second = forceOwnScan ? text.indexOf(split.secondHalf) : hits.splitAt[2 * i + 1];
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
        Hits hits = keywordPass(text, 0, text.length());
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
        forEachLine(text, hits, new LineWork(), (start, end, from, to, work) ->
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
        Hits hits = keywordPass(out, 0, out.length());
        if (hits.wholeText()) {
            // while the text is unchanged, the pass's positions of the split halves are exact
            boolean changed = forceOwnScan;
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
            hits = keywordPass(out, 0, out.length());
        }
        return maskLines(out, hits, counts, forRescan);
    }

    private Scanned maskLines(String in, Hits hits, Map<String, Integer> counts, boolean forRescan) {
        Ints maskedLines = forRescan ? new Ints() : null;
        if (hits.size == 0 && alwaysRules.isEmpty()) {
            return new Scanned(in, maskedLines, hits);
        }
        StringBuilder[] result = {null};
        int[] copied = {0};
        forEachLine(in, hits, new LineWork(), (start, end, from, to, work) -> {
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

    private interface RuleMatch {
        void accept(CompiledRule rule, int start, int end);
    }

    private interface LineVisitor {
        /** A line [start, end) of the text; its keyword hits are hits[from, to). */
        void visit(int start, int end, int from, int to, LineWork work);
    }

    /** Lines holding a line rule's keyword (every non-empty line when a rule has no keywords), in order. */
    private void forEachLine(String text, Hits hits, LineWork work, LineVisitor visitor) {
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

    private static int lineStart(String text, Hits hits, int h) {
        return h < hits.size ? text.lastIndexOf('\n', hits.pos[h]) + 1 : text.length();
    }

    /** Per-call scratch for the line rules: one reusable Matcher per rule, keyword positions. */
    private final class LineWork {
        final Matcher[] matchers = new Matcher[lineRules.size()];
        final boolean[] ruleHit = new boolean[lineRules.size()];
        int[] positions = new int[16];

        Matcher matcher(int r, String line) {
            Matcher m = matchers[r];
            if (m == null) {
                m = lineRules.get(r).pattern.matcher(line);
                // lookbehinds and \b at a window start see the line before it, exactly as a whole-line find would
                m.useTransparentBounds(true);
                m.useAnchoringBounds(false);
                matchers[r] = m;
            } else {
                m.reset(line);
            }
            return m;
        }

        void addPosition(int i, int p) {
            if (i == positions.length) {
                positions = Arrays.copyOf(positions, i * 2);
            }
            positions[i] = p;
        }
    }

    /**
     * The line rules hit on text[start, end), in rule order. With {@code found}, only counts what matches
     * (findings); otherwise masks, each rule seeing the masks of the ones before, and returns the masked line or
     * null when nothing was masked.
     */
    private String maskLine(String text, int start, int end, Hits hits, int from, int to, LineWork work,
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

    /** Keyword hits starting in text[from, to). */
    private Hits keywordPass(String text, int from, int to) {
        Hits hits = new Hits(splitSecrets.size());
        hits.own = forceOwnScan;
        hits.split = forceOwnScan;
        int n = text.length();
        long[] slots = keywordSlots;
        Keyword[][] table = keywordTable;
        int last = Math.min(to, n - 1);
        // chunks copied into a char[]: the hot loop then has no per-character String checks
        char[] buf = new char[Math.min(CHUNK, Math.max(0, last - from)) + 2];
        for (int base = from; base < last; base += CHUNK) {
            int chunkEnd = Math.min(last, base + CHUNK);
            int filled = Math.min(n, chunkEnd + 2);
            text.getChars(base, filled, buf, 0);
            for (int i = base; i < chunkEnd; i++) {
                int j = i - base;
                char c0 = buf[j];
                char c1 = buf[j + 1];
                if ((c0 | c1) >= 128) {
                    continue;
                }
                int slot = (c0 << 7) | c1;
                if ((slots[slot >>> 6] & (1L << slot)) == 0) {
                    continue;
                }
                if (i + 2 < n) {
                    char c2 = buf[j + 2];
                    int triple = (slot << 7) | c2;
                    // a non-ASCII third character may still fold to a keyword's: leave that to matchesAt
                    if (c2 < 128 && (keywordTriples[triple >>> 6] & (1L << triple)) == 0) {
                        continue;
                    }
                }
                candidates(text, i, table[slot], hits);
            }
        }
        return hits;
    }

    private static final int CHUNK = 8192;

    /** Records which of the keywords sharing a first-character slot start at text[i]. */
    private static void candidates(String text, int i, Keyword[] keywords, Hits hits) {
        for (Keyword k : keywords) {
            if (!k.matchesAt(text, i)) {
                continue;
            }
            switch (k.kind) {
                case LINE_RULE -> hits.add(i, k.rule);
                case MULTI_LINE_RULE -> hits.multi.set(k.rule);
                case OWN -> hits.own = true;
                default -> {
                    hits.split = true;
                    if (hits.splitAt[k.rule] < 0) {
                        hits.splitAt[k.rule] = i;
                    }
                }
            }
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
        /** Matches start at most this far before a keyword hit; -1: try the whole line. */
        final int keywordWithin;

        CompiledRule(MaskRules.Rule rule) {
            this.id = rule.id();
            this.pattern = Pattern.compile(rule.regex());
            this.keywords = rule.keywords() == null ? List.of()
                    : rule.keywords().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
            this.entropy = rule.entropy();
            this.hasSecretGroup = rule.regex().contains("(?<secret>");
            this.multiLine = rule.regex().contains("[\\s\\S]") || rule.regex().contains("(?s)");
            // \G depends on where the previous find stopped, which windows change
            this.keywordWithin = rule.keywordWithin() == null || keywords.isEmpty() || rule.regex().contains("\\G")
                    ? -1 : rule.keywordWithin();
        }

        /** Masks every accepted match in text[from, to); returns text itself when nothing matched. */
        String apply(String text, int from, int to, Sanitizer sanitizer, Map<String, Integer> counts) {
            Matcher m = pattern.matcher(text);
            m.region(from, to);
            return masked(text, sanitizer, counts, match -> {
                while (m.find()) {
                    accept(m, text, sanitizer, match);
                }
            });
        }

        /** Masks every accepted match in a line (see {@link #matches(Matcher, String, int[], int, Sanitizer,
         * RuleMatch)}); returns line itself when nothing matched. */
        String apply(Matcher m, String line, int[] positions, int count, Sanitizer sanitizer,
                Map<String, Integer> counts) {
            return masked(line, sanitizer, counts, match -> matches(m, line, positions, count, sanitizer, match));
        }

        private String masked(String text, Sanitizer sanitizer, Map<String, Integer> counts,
                Consumer<RuleMatch> run) {
            StringBuilder[] out = {null};
            int[] last = {0};
            run.accept((rule, start, end) -> {
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

        /** Each match in text[from, to) that is not allowlisted and meets the entropy threshold: the part to mask. */
        void matches(String text, int from, int to, Sanitizer sanitizer, RuleMatch match) {
            Matcher m = pattern.matcher(text);
            m.region(from, to);
            while (m.find()) {
                accept(m, text, sanitizer, match);
            }
        }

        /**
         * The same matches as {@code find()} over the whole line, tried only where they can start: with
         * {@code count >= 0}, at most {@link #keywordWithin} characters before one of the keyword positions
         * {@code positions[0, count)} (ascending). A match found consumes its text as find() would, so what
         * follows is tried from its end.
         */
        void matches(Matcher m, String line, int[] positions, int count, Sanitizer sanitizer, RuleMatch match) {
            if (count < 0) {
                while (m.find()) {
                    accept(m, line, sanitizer, match);
                }
                return;
            }
            int n = line.length();
            int cursor = 0;
            for (int i = 0; i < count; i++) {
                int p = positions[i];
                for (int s = Math.max(cursor, p - keywordWithin); s <= p; s++) {
                    // the region ends at the line end, so a secret running past the window is still matched whole
                    m.region(s, n);
                    if (m.lookingAt()) {
                        accept(m, line, sanitizer, match);
                        cursor = Math.max(m.end(), s + 1);
                        s = cursor - 1;
                    }
                }
            }
        }

        private void accept(Matcher m, String text, Sanitizer sanitizer, RuleMatch match) {
            int secret = hasSecretGroup ? m.start("secret") : -1;
            int start = secret >= 0 ? secret : m.start();
            int end = secret >= 0 ? m.end("secret") : m.end();
            String candidate = text.substring(start, end);
            if (sanitizer.allowlisted(candidate) || (entropy != null && shannon(candidate) < entropy)) {
                return;
            }
            match.accept(this, start, end);
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
