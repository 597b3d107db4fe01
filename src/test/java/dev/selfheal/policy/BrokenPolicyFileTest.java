package dev.selfheal.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.test.TestPolicies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each policy file refuses bad input with one message naming the file, the JSON pointer and the rule broken. */
class BrokenPolicyFileTest {

    record Breakage(String file, Consumer<ObjectNode> change, String pointer, String rule) {
        @Override
        public String toString() {
            return file + " " + pointer + " (" + rule + ")";
        }
    }

    static Stream<Arguments> breakages() {
        return Stream.of(
                new Breakage(PolicyFiles.RETRY, p -> ((ObjectNode) p.get("run")).put("maxAttempts", "three"),
                        "/run/maxAttempts", "type"),
                new Breakage(PolicyFiles.RETRY, p -> ((ObjectNode) p.get("run")).put("maxAttempts", 50),
                        "/run/maxAttempts", "maximum"),
                new Breakage(PolicyFiles.RETRY, p -> ((ObjectNode) p.path("categories").path("timeout"))
                        .put("risk", "severe"), "/categories/timeout/risk", "enum"),
                new Breakage(PolicyFiles.RETRY, p -> ((ObjectNode) p.path("classification").get(2))
                        .put("pattern", "lost (communication"), "/classification/2/pattern", "regex"),
                new Breakage(PolicyFiles.RETRY, p -> ((ObjectNode) p.path("http")).remove("maxRedeliveries"),
                        "/http", "required"),
                new Breakage(PolicyFiles.DETECTION, p -> ((ObjectNode) p.get("poll")).put("cron", "every minute"),
                        "/poll/cron", "pattern"),
                new Breakage(PolicyFiles.DETECTION, p -> ((ObjectNode) p.path("rules").get(0)).put("threshold", 1.5),
                        "/rules/0/threshold", "maximum"),
                new Breakage(PolicyFiles.DETECTION, p -> p.put("pollEvery", 60), "", "additionalProperties"),
                new Breakage(PolicyFiles.KILLSWITCH, p -> p.set("targets", p.arrayNode()), "/targets", "minItems"),
                new Breakage(PolicyFiles.KILLSWITCH, p -> ((ObjectNode) p.path("conditions").get(0))
                        .put("type", "sometimes"), "/conditions/0/type", "enum"),
                new Breakage(PolicyFiles.MASK, p -> p.remove("rules"), "", "required"),
                new Breakage(PolicyFiles.MASK, p -> ((ArrayNode) p.get("allowlist")).add("[unclosed"),
                        "/allowlist/9", "regex"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void brokenFileIsRefusedNamingFilePointerAndRule(Breakage b) {
        Path dir = TestPolicies.copy();
        TestPolicies.edit(dir, b.file(), b.change());

        assertThatThrownBy(() -> JsonPolicyReader.read(dir.resolve(b.file()), typeOf(b.file())))
                .isInstanceOfSatisfying(PolicyFileException.class, e -> {
                    assertThat(e.file().getFileName().toString()).isEqualTo(b.file());
                    assertThat(e.pointer()).isEqualTo(b.pointer());
                    assertThat(e.rule()).isEqualTo(b.rule());
                    assertThat(e.getMessage()).startsWith(dir.resolve(b.file()) + " at "
                            + (b.pointer().isEmpty() ? "/" : b.pointer()) + ": ");
                });
    }

    @Test
    void invalidJsonNamesLineAndColumn() throws IOException {
        Path dir = TestPolicies.copy();
        Files.writeString(dir.resolve(PolicyFiles.KILLSWITCH), "{\n  \"version\": 1,\n  \"targets\": [\"retry-*\",]\n}");

        assertThatThrownBy(() -> JsonPolicyReader.read(dir.resolve(PolicyFiles.KILLSWITCH), KillSwitchRules.class))
                .isInstanceOf(PolicyFileException.class)
                .hasMessageContaining(PolicyFiles.KILLSWITCH)
                .hasMessageContaining("not valid JSON at line 3, column")
                .hasMessageContaining("(rule: json)");
    }

    @Test
    void missingFileSaysWhereItWasLookedFor() throws IOException {
        Path dir = TestPolicies.copy();
        Files.delete(dir.resolve(PolicyFiles.MASK));

        assertThatThrownBy(() -> JsonPolicyReader.read(dir.resolve(PolicyFiles.MASK), MaskRules.class))
                .isInstanceOf(PolicyFileException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining("selfheal.config-dir");
    }

    @Test
    void emptyFileIsRefused() throws IOException {
        Path dir = TestPolicies.copy();
        Files.writeString(dir.resolve(PolicyFiles.DETECTION), "");

        assertThatThrownBy(() -> JsonPolicyReader.read(dir.resolve(PolicyFiles.DETECTION), DetectionRules.class))
                .isInstanceOf(PolicyFileException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void shippedFilesAreValidAndCarryTheSeedNumbers() {
        Path dir = Path.of("config");
        RetryPolicy retry = JsonPolicyReader.read(dir.resolve(PolicyFiles.RETRY), RetryPolicy.class);
        assertThat(retry.run().maxAttempts()).isEqualTo(3);
        assertThat(retry.backoffBefore(1)).hasSeconds(5);
        assertThat(retry.backoffBefore(2)).hasSeconds(10);
        assertThat(retry.backoffBefore(3)).hasSeconds(20);
        assertThat(retry.http().neverRetryStatusCodes()).containsExactlyInAnyOrder(422, 403, 404);
        assertThat(retry.http().retryStatusCodes()).containsExactlyInAnyOrder(500, 502, 503);
        assertThat(retry.isRetryable("missing_secret")).isFalse();
        assertThat(retry.isRetryable("transient_infrastructure")).isTrue();
        assertThat(JsonPolicyReader.read(dir.resolve(PolicyFiles.DETECTION), DetectionRules.class).rules())
                .extracting(DetectionRules.Rule::id).contains("consecutive-failures");
        assertThat(JsonPolicyReader.read(dir.resolve(PolicyFiles.KILLSWITCH), KillSwitchRules.class).targets())
                .isNotEmpty();
        assertThat(JsonPolicyReader.read(dir.resolve(PolicyFiles.MASK), MaskRules.class).rules()).hasSizeGreaterThan(10);
    }

    private static Class<?> typeOf(String file) {
        return switch (file) {
            case PolicyFiles.RETRY -> RetryPolicy.class;
            case PolicyFiles.DETECTION -> DetectionRules.class;
            case PolicyFiles.KILLSWITCH -> KillSwitchRules.class;
            default -> MaskRules.class;
        };
    }
}
