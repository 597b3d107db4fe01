package dev.selfheal.sanitize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Differential recall against the public catalogues: every token type gitleaks and secretlint name (and every
 * form issue 10 lists) has a planted case in {@link SecretCatalogue}, and release masks each secret whole and
 * passes its own rescan. Recall per source is printed; docs/BENCHMARKS.md shows it next to secretlint's.
 */
class SanitizerCatalogueRecallTest {

    final Sanitizer sanitizer = ConfiguredSanitizer.withOwnSecrets();

    @Test
    void everyCataloguedSecretIsMasked() {
        List<String> missed = new ArrayList<>();
        Map<String, int[]> recall = new TreeMap<>();
        for (SecretCatalogue.Case c : SecretCatalogue.all()) {
            if (c.expect() != SecretCatalogue.Expect.MASK) {
                continue;
            }
            String out;
            try {
                out = sanitizer.release(c.line(), "test");
            } catch (SanitizationRefusedException e) {
                // a refusal keeps the secret in, but is a gap in the rules all the same
                out = "refused " + e.getMessage() + ": " + sanitizer.sanitize(c.line());
            }
            boolean masked = !out.startsWith("refused ") && !out.contains(c.secret()) && out.contains("[MASKED:");
            int[] r = recall.computeIfAbsent(c.source(), s -> new int[2]);
            r[1]++;
            if (masked) {
                r[0]++;
            } else {
                missed.add(c.source() + " " + c.kind() + ": " + out);
            }
        }
        recall.forEach((source, r) -> System.out.printf("catalogue recall %s: %d / %d%n", source, r[0], r[1]));
        assertThat(missed).isEmpty();
    }

    @Test
    void catalogueCoversEveryGitleaksRuleAndSecretlintMessage() {
        // gitleaks config/gitleaks.toml has 222 rule ids; secretlint's preset-recommend 52 message ids
        assertThat(SecretCatalogue.all().stream().filter(c -> c.source().equals("gitleaks"))).hasSize(222);
        assertThat(SecretCatalogue.all().stream().filter(c -> c.source().equals("secretlint"))).hasSize(52);
    }

    @Test
    void publicIdentifiersTheCataloguesListAreLeftAlone() {
        // client ids and account ids are not credentials: masking them would only hide evidence
        assertThat(SecretCatalogue.all().stream().filter(c -> c.expect() == SecretCatalogue.Expect.IDENTIFIER))
                .isNotEmpty()
                .allSatisfy(c -> assertThat(sanitizer.sanitize(c.line())).as(c.kind()).isEqualTo(c.line()));
    }
}
