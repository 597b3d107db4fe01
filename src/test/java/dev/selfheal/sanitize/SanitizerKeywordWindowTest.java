package dev.selfheal.sanitize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.policy.JsonPolicyReader;
import dev.selfheal.policy.MaskRules;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rules start their regex only near keyword hits (keywordWithin): a secret far into a long line, a secret that
 * runs past the keyword window, the same keyword twice on a line, and a secret whose keyword sits keywordWithin
 * characters after its start are all still masked whole.
 */
class SanitizerKeywordWindowTest {

    static final Sanitizer SANITIZER = new Sanitizer(
            JsonPolicyReader.read(Path.of("config/phase4-mask-rules.json"), MaskRules.class), List.of());

    static String filler(int n) {
        return "x ".repeat(n / 2);
    }

    @Test
    void secretFarIntoALongLineIsMasked() {
        String pat = "ghp_" + "Zz9".repeat(12);
        String out = SANITIZER.sanitize(filler(20_000) + " token: " + pat + " " + filler(2_000));

        assertThat(out).doesNotContain(pat).contains("[MASKED:github-pat]");
    }

    @Test
    void secretRunningPastTheKeywordWindowIsMaskedWhole() {
        String pat = "github_pat_" + "A1b2C3d4E5".repeat(8);
        String out = SANITIZER.sanitize(filler(300) + pat + " done");

        assertThat(out).doesNotContain("A1b2C3d4E5").endsWith("[MASKED:github-fine-grained-pat] done");
    }

    @Test
    void keywordTwiceOnALineMasksBoth() {
        String first = "ghp_" + "Aa1".repeat(12);
        String second = "ghs_" + "Bb2".repeat(12);
        String out = SANITIZER.sanitize("old " + first + " new " + second);

        assertThat(out).doesNotContain(first).doesNotContain(second);
        assertThat(out.split("\\[MASKED:github-pat]", -1)).hasSize(3);
    }

    @Test
    void matchStartingBeforeItsKeywordIsFound() {
        // url-credentials: the scheme comes before the "://" keyword; postgres: "jdbc:" before "postgres"
        String out = SANITIZER.sanitize(filler(500) + "clone https://deploy:s3cr3tPassw0rd@git.example.com/x.git "
                + "db jdbc:postgresql://app:An0therPa55@db:5432/app");

        assertThat(out).doesNotContain("s3cr3tPassw0rd").doesNotContain("An0therPa55");
    }
}
