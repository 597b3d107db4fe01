package dev.selfheal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.policy.JsonPolicyReader;
import dev.selfheal.policy.RetryPolicy;
import dev.selfheal.sanitize.ConfiguredSanitizer;
import dev.selfheal.test.TestPolicies;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rules suggested from unrecognised error lines: volatile parts generalised, the rest escaped; on every line of
 * the real-world corpus each suggestion compiles, passes the policy loader's checks (schema, regex, keywords in
 * every alternative) and, put in the policy, recognises the line it came from.
 */
class SuggestedRuleTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern TIMESTAMP = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z ");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "2026-11-20T10:00:02.1234567Z ##[error]Dependencies lock file is not found in /home/runner/work/app/app. "
                    + "Supported file patterns: package-lock.json"
                    + "|Dependencies lock file is not found in <path>. Supported file patterns: package-lock.json",
            "fatal: reference is not a tree: 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f"
                    + "|fatal: reference is not a tree: <hash>",
            "Error: job 6f1c2a9e-1b2c-4d3e-9f8a-0b1c2d3e4f5a failed to start after 37 attempts"
                    + "|Error: job <uuid> failed to start after <n> attempts",
            "~Error: Unable to download 'node-v20.11.1-linux-x64' from \"https://nodejs.org/dist\" (code 18)~"
                    + "|~Error: Unable to download '<text>' from \"<text>\" (code <n>)~",
            "Killed: 9|Killed: <n>"})
    void lineIsGeneralised(String line, String normalised) {
        SuggestedRule rule = SuggestedRule.of(line);

        assertThat(rule.normalised()).isEqualTo(normalised);
        assertThat(Pattern.compile(rule.pattern()).matcher(line).find()).as(rule.pattern()).isTrue();
    }

    @Test
    void linesDifferingOnlyInVolatilePartsGroupTogether() {
        SuggestedRule a = SuggestedRule.of("2026-11-20T10:00:02.1Z Error: Exit status 137 in /tmp/build-41/out "
                + "at 'step 3' (sha 0a1b2c3d4e5f)");
        SuggestedRule b = SuggestedRule.of("Error: Exit status 9 in C:\\a\\b\\c at 'step 12' (sha 99aa88bb77cc)");

        assertThat(a).isEqualTo(b);
        assertThat(a.keywords()).containsExactly("Exit status");
        assertThat(a.id()).isEqualTo("suggested-exit-status");
    }

    @Test
    void noStableWordsNoRule() {
        assertThat(SuggestedRule.of("2026-11-20T10:00:02.1Z 42 /usr/lib/x/y 0a1b2c3d4e5f")).isNull();
        assertThat(SuggestedRule.of("   ")).isNull();
        assertThat(SuggestedRule.of(null)).isNull();
    }

    @Test
    void everyCorpusLineGetsARuleThePolicyLoaderAcceptsAndThatRecognisesIt() {
        List<String> lines = new ArrayList<>();
        FailureCorpus.entries().forEach(e -> lines.addAll(e.lines()));
        List<SuggestedRule> rules = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (String line : lines) {
            SuggestedRule rule = SuggestedRule.of(line);
            if (rule != null) {
                rules.add(rule);
                sources.add(TIMESTAMP.matcher(line).replaceFirst(""));
            }
        }
        assertThat(rules).hasSizeGreaterThan(lines.size() * 9 / 10);

        // the suggestions first in the policy, each under a unique id: loaded like an operator's edited file
        Path config = TestPolicies.copy();
        TestPolicies.edit(config, "phase4-retry-policy.json", policy -> {
            ArrayNode classification = (ArrayNode) policy.get("classification");
            for (int i = rules.size() - 1; i >= 0; i--) {
                ObjectNode rule = MAPPER.valueToTree(rules.get(i).asPolicyRule("deterministic"));
                rule.put("id", rules.get(i).id() + "-" + i);
                classification.insert(0, rule);
            }
        });
        RetryPolicy loaded = JsonPolicyReader.read(config.resolve("phase4-retry-policy.json"), RetryPolicy.class);

        assertThat(loaded.classification()).hasSizeGreaterThan(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            SuggestedRule rule = rules.get(i);
            assertThat(Pattern.compile(rule.pattern()).matcher(sources.get(i)).find())
                    .as("%s from %s", rule.pattern(), sources.get(i)).isTrue();
            assertThat(sources.get(i).toLowerCase()).contains(rule.keywords().get(0).toLowerCase());
        }
        // and each one alone, put first in the policy, decides the line it came from (keyword pre-filter included)
        for (int i = 0; i < rules.size(); i += 7) {
            SuggestedRule rule = rules.get(i);
            int n = i;
            Path one = TestPolicies.copy();
            TestPolicies.edit(one, "phase4-retry-policy.json", policy -> ((ArrayNode) policy.get("classification"))
                    .insert(0, MAPPER.valueToTree(rule.asPolicyRule("configuration"))));
            FailureClassifier classifier = new FailureClassifier(
                    JsonPolicyReader.read(one.resolve("phase4-retry-policy.json"), RetryPolicy.class),
                    ConfiguredSanitizer.withOwnSecrets());
            CorpusEntry entry = new CorpusEntry("t.json", "line-" + n, List.of(sources.get(i)), "failure", "log",
                    "configuration", false, "test");
            Classification c = entry.classify(classifier);
            assertThat(c.ruleId()).as("%s from %s", rule.pattern(), sources.get(i)).isEqualTo(rule.id());
        }
    }
}
