package dev.selfheal.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An assignment whose name says credential is masked in env, shell, YAML, JSON, .properties and CLI-flag form,
 * the mask covering the value only; harmless values (GitHub's ***, ${{ secrets.X }}, empty, true/false,
 * placeholders) and ordinary names ending in key (cache keys, primary keys) are left alone.
 */
class SanitizerCredentialAssignmentTest {

    final Sanitizer sanitizer = ConfiguredSanitizer.withOwnSecrets();

    @Test
    void everyFormIsMaskedUpToTheValueEnd() {
        assertThat(sanitizer.sanitize("AWS_ACCESS_KEY_ID=AKIA0189ZZYYXXWWVV18"))
                .isEqualTo("AWS_ACCESS_KEY_ID=[MASKED:aws-access-key]");
        assertThat(sanitizer.sanitize("export DEPLOY_KEY_ID=Zq8mW2xK9pL4vN7c"))
                .isEqualTo("export DEPLOY_KEY_ID=[MASKED:generic-key-assignment]");
        assertThat(sanitizer.sanitize("  client_secret: Kd93jf8Ls02mZq7W"))
                .isEqualTo("  client_secret: [MASKED:generic-secret-assignment]");
        assertThat(sanitizer.sanitize("{\"user\": \"ci\", \"password\": \"h7Gq2mXp9\"}"))
                .isEqualTo("{\"user\": \"ci\", \"password\": \"[MASKED:generic-secret-assignment]\"}");
        assertThat(sanitizer.sanitize("{\\\"token\\\": \\\"Zp4Xw9Lk2Vm8Nb\\\"}"))
                .isEqualTo("{\\\"token\\\": \\\"[MASKED:generic-secret-assignment]\\\"}");
        assertThat(sanitizer.sanitize("spring.mail.passwd=Wq7zR2k9"))
                .isEqualTo("spring.mail.passwd=[MASKED:generic-secret-assignment]");
        assertThat(sanitizer.sanitize("registry.auth = b2N0bzpodW50ZXIy"))
                .isEqualTo("registry.auth = [MASKED:generic-secret-assignment]");
        assertThat(sanitizer.sanitize("mysql --user root --password Hq8x2Lm9Zr -h db"))
                .isEqualTo("mysql --user root --password [MASKED:cli-secret-flag] -h db");
        assertThat(sanitizer.sanitize("az login --client-secret Qm2.x8Lr~Zp4Kw9Vn -t t"))
                .isEqualTo("az login --client-secret [MASKED:cli-secret-flag] -t t");
        assertThat(sanitizer.sanitize("PRIVATE_KEY=\"c2VjcmV0LWtleS1tYXRlcmlhbA\" ./deploy.sh"))
                .isEqualTo("PRIVATE_KEY=\"[MASKED:generic-secret-assignment]\" ./deploy.sh");
    }

    @Test
    void harmlessValuesAndOrdinaryKeysAreLeftAlone() {
        for (String line : List.of(
                "  token: ***",
                "  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
                "  api_key: ${{ secrets.API_KEY }}",
                "PASSWORD=",
                "  persist-credentials: false",
                "  secrets: inherit",
                "DB_PASSWORD=${DB_PASSWORD}",
                "DB_PASSWORD=$DB_PASSWORD",
                "password: <your-password>",
                "API_TOKEN={{ api_token }}",
                "SECRET_KEY=changeme",
                "auth_token: your_token_here",
                "Cache restored from key: Linux-gradle-5e8f2b1a7c9d4e3f6a0b1c2d3e4f5a6b",
                "cache-key: Linux-node-5e8f2b1a7c9d4e3f6a0b1c2d3e4f5a6b",
                "primary_key: order_id_customer_id",
                "author: Octo Cat <octocat@example.com>",
                "docker login ghcr.io -u ci --password-stdin",
                "curl --token-file /home/runner/work/_temp/token.txt",
                "GOOGLE_APPLICATION_CREDENTIALS=/home/runner/work/_temp/gha-creds.json")) {
            assertThat(sanitizer.sanitize(line)).as(line).isEqualTo(line);
        }
    }
}
