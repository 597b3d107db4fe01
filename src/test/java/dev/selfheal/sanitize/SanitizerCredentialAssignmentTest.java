package dev.selfheal.sanitize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        // line -> expected output: env, shell, YAML, JSON, JSON inside a JSON string, .properties, CLI flags
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("AWS_ACCESS_KEY_ID=AKIA0189ZZYYXXWWVV18", "AWS_ACCESS_KEY_ID=[MASKED:aws-access-key]");
        cases.put("export DEPLOY_KEY_ID=Zq8mW2xK9pL4vN7c", "export DEPLOY_KEY_ID=[MASKED:generic-key-assignment]");
        cases.put("  client_secret: Kd93jf8Ls02mZq7W", "  client_secret: [MASKED:generic-secret-assignment]");
        cases.put("{\"user\": \"ci\", \"password\": \"h7Gq2mXp9\"}",
                "{\"user\": \"ci\", \"password\": \"[MASKED:generic-secret-assignment]\"}");
        cases.put("{\\\"token\\\": \\\"Zp4Xw9Lk2Vm8Nb\\\"}",
                "{\\\"token\\\": \\\"[MASKED:generic-secret-assignment]\\\"}");
        cases.put("spring.mail.passwd=Wq7zR2k9", "spring.mail.passwd=[MASKED:generic-secret-assignment]");
        cases.put("registry.auth = b2N0bzpodW50ZXIy", "registry.auth = [MASKED:generic-secret-assignment]");
        cases.put("mysql --user root --password Hq8x2Lm9Zr -h db", "mysql --user root --password [MASKED:cli-secret-flag] -h db");
        cases.put("az login --client-secret Qm2.x8Lr~Zp4Kw9Vn -t t", "az login --client-secret [MASKED:cli-secret-flag] -t t");
        cases.put("PRIVATE_KEY=\"c2VjcmV0LWtleS1tYXRlcmlhbA\" ./deploy.sh",
                "PRIVATE_KEY=\"[MASKED:generic-secret-assignment]\" ./deploy.sh");
        cases.forEach((line, expected) -> assertThat(sanitizer.sanitize(line)).as(line).isEqualTo(expected));
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
