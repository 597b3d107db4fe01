package dev.selfheal.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.test.TestPolicies;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A classification rule that would not do what it says is refused at load time, naming the rule: an inline flag
 * after the first alternative, an anchor inside an alternative, an alternative none of the rule's keywords can
 * reach, an unknown category or a duplicate id.
 */
class BrokenClassificationRuleTest {

    record Breakage(String name, Consumer<ObjectNode> rule, String pointer, String check, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> breakages() {
        return Stream.of(
                new Breakage("(?i) after the first alternative",
                        r -> r.put("pattern", "Connection timed out|(?i)i/o timeout")
                                .set("keywords", r.arrayNode().add("connection timed out").add("i/o timeout")),
                        "/pattern", "regex-flags", "rule 'network-reset': the inline flag group at index 21"),
                new Breakage("^ inside an alternative", r -> r.put("pattern", "(?i)ECONNRESET|socket ^hang up"),
                        "/pattern", "regex-anchor", "'^' inside the alternative 'socket ^hang up'"),
                new Breakage("$ inside an alternative", r -> r.put("pattern", "(?i)ECONNRESET$ now|socket hang up"),
                        "/pattern", "regex-anchor", "'$' inside the alternative"),
                new Breakage("alternative without a keyword",
                        r -> r.put("pattern", "(?i)ECONNRESET|broken pipe"),
                        "/keywords", "keyword-pattern", "the alternative 'broken pipe' holds none of the keywords"),
                new Breakage("unknown category", r -> r.put("category", "flaky"), "/category", "known-category",
                        "rule 'network-reset' names category 'flaky'"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void brokenRuleIsRefusedNamingIt(Breakage b) {
        Path dir = TestPolicies.copy();
        TestPolicies.edit(dir, PolicyFiles.RETRY, p -> b.rule().accept(rule(p, "network-reset")));

        assertThatThrownBy(() -> JsonPolicyReader.read(dir.resolve(PolicyFiles.RETRY), RetryPolicy.class))
                .isInstanceOfSatisfying(PolicyFileException.class, e -> {
                    assertThat(e.rule()).isEqualTo(b.check());
                    assertThat(e.pointer()).isEqualTo("/classification/" + index(dir, "network-reset") + b.pointer());
                    assertThat(e.getMessage()).contains(b.says());
                });
    }

    @Test
    void duplicateRuleIdIsRefused() {
        Path dir = TestPolicies.copy();
        TestPolicies.edit(dir, PolicyFiles.RETRY, p -> rule(p, "upstream-5xx").put("id", "network-reset"));

        assertThatThrownBy(() -> JsonPolicyReader.read(dir.resolve(PolicyFiles.RETRY), RetryPolicy.class))
                .isInstanceOf(PolicyFileException.class)
                .hasMessageContaining("rule 'network-reset' is defined twice")
                .hasMessageContaining("(rule: unique-id)");
    }

    @Test
    void scopedFlagGroupsAndLeadingFlagsAreFine() {
        Path dir = TestPolicies.copy();
        TestPolicies.edit(dir, PolicyFiles.RETRY,
                p -> rule(p, "network-reset").put("pattern", "(?i)ECONNRESET|(?-i:socket hang up)|^i/o timeout$"));

        assertThat(JsonPolicyReader.read(dir.resolve(PolicyFiles.RETRY), RetryPolicy.class).classification())
                .isNotEmpty();
    }

    private static ObjectNode rule(ObjectNode policy, String id) {
        for (var r : (ArrayNode) policy.get("classification")) {
            if (r.path("id").asText().equals(id)) {
                return (ObjectNode) r;
            }
        }
        throw new IllegalArgumentException(id);
    }

    private static int index(Path dir, String id) {
        var rules = JsonPolicyReader.read(Path.of("config").resolve(PolicyFiles.RETRY), RetryPolicy.class)
                .classification();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).id().equals(id)) {
                return i;
            }
        }
        throw new IllegalArgumentException(id);
    }
}
