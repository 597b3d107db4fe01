package dev.selfheal.sanitize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Masks end at the secret: the quote, brace or bracket closing the value stays, so JSON and YAML stay readable. */
class SanitizerMaskBoundaryTest {

    final Sanitizer sanitizer = ConfiguredSanitizer.withOwnSecrets();

    @Test
    void jdbcPasswordMaskKeepsTheClosingQuoteAndBrace() {
        assertThat(sanitizer.sanitize("{\"url\": \"jdbc:postgresql://db:5432/app?user=app&password=JdbcPw9x7Kq2\"}"))
                .isEqualTo("{\"url\": \"jdbc:postgresql://db:5432/app?user=app&password=[MASKED:jdbc-password]\"}");
        assertThat(sanitizer.sanitize("{url: jdbc:mysql://db/app?password=JdbcPw9x7Kq2}"))
                .isEqualTo("{url: jdbc:mysql://db/app?password=[MASKED:jdbc-password]}");
        assertThat(sanitizer.sanitize("url='jdbc:postgresql://db/app?password=JdbcPw9x7Kq2'"))
                .isEqualTo("url='jdbc:postgresql://db/app?password=[MASKED:jdbc-password]'");
    }

    @Test
    void assignmentMaskKeepsTheClosingBrace() {
        assertThat(sanitizer.sanitize("{password: Hq8x2Lm9Zr}")).isEqualTo("{password: [MASKED:generic-secret-assignment]}");
    }

    @Test
    void gcpServiceAccountKeyMaskKeepsTheClosingQuote() {
        String line = "\"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\", \"client_email\": \"x\"";
        assertThat(sanitizer.sanitize(line))
                .isEqualTo("\"private_key\": \"[MASKED:gcp-service-account-key]\", \"client_email\": \"x\"");
    }
}
