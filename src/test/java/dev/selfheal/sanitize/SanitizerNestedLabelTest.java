package dev.selfheal.sanitize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.selfheal.policy.MaskRules;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A credential name inside a value ({"token": "aws_secret_access_key = VALUE"}): the generic rule must not mask
 * the inner name as the outer value and leave VALUE in clear; and when a rule does mask a name that way, release's
 * rescan sees the mask followed by an assignment and refuses.
 */
class SanitizerNestedLabelTest {

    static final String VALUE = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";

    @Test
    void nameInsideAValueLeavesNoValueInClear() {
        Sanitizer sanitizer = ConfiguredSanitizer.withOwnSecrets();
        for (String line : List.of(
                "{\"token\": \"aws_secret_access_key = " + VALUE + "\"}",
                "{\"token\": \"aws_secret_access_key=" + VALUE + "\"}",
                "password: api_key: " + VALUE)) {
            String out = sanitizer.release(line, "test");
            assertThat(out).as(line).doesNotContain(VALUE).contains("[MASKED:");
        }
        assertThat(sanitizer.sanitize("{\"token\": \"aws_secret_access_key = " + VALUE + "\"}"))
                .isEqualTo("{\"token\": \"aws_secret_access_key = [MASKED:generic-secret-assignment]\"}");
    }

    @Test
    void releaseRefusesAMaskedNameFollowedByItsValue() {
        // a naive operator rule that masks whatever follows "token": ", the inner name included
        MaskRules shipped = ConfiguredSanitizer.rules();
        List<MaskRules.Rule> rules = new ArrayList<>();
        rules.add(new MaskRules.Rule("naive-token", "\"token\":\\s*\"(?<secret>[a-z_]+)", List.of("\"token\""), null, 0));
        Sanitizer sanitizer = new Sanitizer(new MaskRules(1, shipped.mask(), true, rules, shipped.allowlist()),
                List.of());
        String line = "{\"token\": \"aws_secret_access_key = " + VALUE + "\"}";
        assertThat(sanitizer.sanitize(line)).contains("[MASKED:naive-token] = " + VALUE);
        assertThatThrownBy(() -> sanitizer.release(line, "slack"))
                .isInstanceOf(SanitizationRefusedException.class)
                .hasMessageContaining(Sanitizer.MASKED_LABEL)
                .hasMessageNotContaining(VALUE);
    }

    @Test
    void aMaskedTokenBeforeAUrlPasswordIsNotAName() {
        Sanitizer sanitizer = ConfiguredSanitizer.withOwnSecrets();
        String line = "remote ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ12:x-oauth-basic";
        assertThat(sanitizer.release(line, "file")).isEqualTo("remote [MASKED:github-pat]:x-oauth-basic");
    }
}
