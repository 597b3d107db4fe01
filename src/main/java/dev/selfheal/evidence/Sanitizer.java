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
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
    private final List<CompiledRule> rules;
    private final List<Pattern> allowlist;
    private final List<String> ownSecrets;

    @Autowired
    public Sanitizer(PolicyFiles policies, SelfhealProperties properties, Environment environment) {
        this(policies.maskRules(), ownSecrets(properties, environment));
    }

    public Sanitizer(MaskRules maskRules, List<String> secrets) {
        this.maskFormat = maskRules.mask();
        this.rules = maskRules.rules().stream().map(CompiledRule::new).toList();
        this.allowlist = maskRules.allowlist().stream().map(Pattern::compile).toList();
        this.ownSecrets = encodedVariants(secrets);
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
        String out = text;
        for (String secret : ownSecrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, mask(OWN_SECRET));
            }
        }
        String lower = null;
        for (CompiledRule rule : rules) {
            if (!rule.keywords.isEmpty()) {
                if (lower == null) {
                    lower = out.toLowerCase(Locale.ROOT);
                }
                if (!rule.anyKeywordIn(lower)) {
                    continue;
                }
            }
            String masked = rule.apply(out, this);
            if (masked != out) {
                out = masked;
                lower = null;
            }
        }
        return out;
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

        CompiledRule(MaskRules.Rule rule) {
            this.id = rule.id();
            this.pattern = Pattern.compile(rule.regex());
            this.keywords = rule.keywords() == null ? List.of()
                    : rule.keywords().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
            this.entropy = rule.entropy();
            this.hasSecretGroup = rule.regex().contains("(?<secret>");
        }

        boolean anyKeywordIn(String lower) {
            for (String k : keywords) {
                if (lower.contains(k)) {
                    return true;
                }
            }
            return false;
        }

        String apply(String text, Sanitizer sanitizer) {
            Matcher m = pattern.matcher(text);
            StringBuilder out = null;
            int last = 0;
            while (m.find()) {
                int start = hasSecretGroup && m.start("secret") >= 0 ? m.start("secret") : m.start();
                int end = hasSecretGroup && m.start("secret") >= 0 ? m.end("secret") : m.end();
                String candidate = text.substring(start, end);
                if (sanitizer.allowlisted(candidate) || (entropy != null && shannon(candidate) < entropy)) {
                    continue;
                }
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, last, start).append(sanitizer.mask(id));
                last = end;
            }
            if (out == null) {
                return text;
            }
            return out.append(text, last, text.length()).toString();
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
