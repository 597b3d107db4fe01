package dev.selfheal.sanitize;

import dev.selfheal.policy.JsonPolicyReader;
import dev.selfheal.policy.MaskRules;
import java.nio.file.Path;
import java.util.List;

/** The real Sanitizer on the shipped config/phase4-mask-rules.json, for tests that need no Spring context. */
public final class ConfiguredSanitizer {

    public static final String GITHUB_TOKEN = "ghp_OwnTokenOfSelfheal0123456789abcdefXYZ";
    public static final String WEBHOOK_SECRET = "wh-Secret-4f9a2c77e1";
    public static final String SLACK_URL = "https://hooks.slack.com/services/T000OWN/B000OWN/ownSlackPathXyz123456";
    public static final String DB_PASSWORD = "Pg-Passw0rd-Of-Selfheal";

    private ConfiguredSanitizer() {
    }

    public static MaskRules rules() {
        return JsonPolicyReader.read(Path.of("config/phase4-mask-rules.json"), MaskRules.class);
    }

    public static Sanitizer withOwnSecrets() {
        return new Sanitizer(rules(), List.of(GITHUB_TOKEN, WEBHOOK_SECRET, SLACK_URL, DB_PASSWORD));
    }
}
