package dev.selfheal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.policy.RetryPolicy;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped line rule is earned: it matches at least one real line of the corpus. (Conclusion rules match no
 * line; FailureClassificationTest covers them.)
 */
class ShippedRulesMatchCorpusTest {

    static List<RetryPolicy.ClassificationRule> rules() {
        return FailureClassificationTest.POLICIES.retryPolicy().classification().stream()
                .filter(r -> r.pattern() != null).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void ruleMatchesARealCorpusLine(RetryPolicy.ClassificationRule rule) {
        List<CorpusEntry> entries = FailureCorpus.entries();
        Pattern pattern = Pattern.compile(rule.pattern());

        assertThat(entries.stream().flatMap(e -> e.lines().stream()))
                .as("a corpus line matched by rule %s", rule.id())
                .anyMatch(line -> pattern.matcher(line).find());
    }
}
