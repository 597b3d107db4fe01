package dev.selfheal.notification;

import static dev.selfheal.notification.NotificationTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.policy.JsonPolicyReader;
import dev.selfheal.policy.MaskRules;
import dev.selfheal.policy.RetryPolicy;
import dev.selfheal.risk.RiskLevels;
import dev.selfheal.sanitize.Sanitizer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slack's limits (50 blocks, 3,000 characters per section, 150 per header): a huge log line is split and cut,
 * never a reason to fail; and the message builder masks on its own, even for an event that did not come through
 * the outbox's sanitizer.
 */
class SlackMessageLimitsTest {

    static final String WEBHOOK = "https://example.invalid/services/T1/B1/configured-webhook-secret";

    final Sanitizer sanitizer = new Sanitizer(JsonPolicyReader.read(Path.of("config/phase4-mask-rules.json"),
            MaskRules.class), List.of(CONFIGURED_TOKEN, CONFIGURED_WEBHOOK_SECRET, WEBHOOK));
    final RiskLevels risks = new RiskLevels(JsonPolicyReader.read(Path.of("config/phase4-retry-policy.json"),
            RetryPolicy.class).categories());
    final SlackMessages messages = new SlackMessages(new ObjectMapper(), sanitizer, risks);

    Delivery delivery(String type, ObjectNode payload) {
        return new Delivery(new Outbox.Event(1, type, "octo-org/octo-repo", 42L, 3, payload, Instant.now(), 1));
    }

    @Test
    void aHugeLogLineIsSplitAndCutWithinSlackLimits() {
        ObjectNode p = finalFailure("octo-org/octo-repo", 42, "deterministic", "x".repeat(500_000));
        p.put("workflowName", "W".repeat(400));
        JsonNode m = messages.build(delivery("final_failure", p));

        JsonNode blocks = m.get("blocks");
        assertThat(blocks.size()).isLessThanOrEqualTo(50);
        for (JsonNode b : blocks) {
            if (b.has("text")) {
                int max = b.get("type").asText().equals("header") ? 150 : 3_000;
                assertThat(b.get("text").get("text").asText().length()).isLessThanOrEqualTo(max);
            }
            for (JsonNode f : b.path("fields")) {
                assertThat(f.get("text").asText().length()).isLessThanOrEqualTo(2_000);
            }
        }
        assertThat(m.toString()).contains("further detail cut to stay within Slack's 50 blocks");
        assertThat(m.get("text").asText().length()).isLessThanOrEqualTo(3_000);
    }

    @Test
    void everyPlantedSecretIsMaskedEvenWithoutTheOutbox() {
        ObjectNode p = finalFailure("octo-org/octo-repo", 42, "deterministic", "token " + GITHUB_PAT);
        p.put("reason", SLACK_BOT + " " + SLACK_HOOK);
        p.put("detail", CONFIGURED_TOKEN + " " + CONFIGURED_WEBHOOK_SECRET + " " + WEBHOOK);
        p.put("workflowName", "CI " + GITHUB_PAT);
        String text = messages.build(delivery("guard_violation", p)).toString();

        assertThat(text).doesNotContain(GITHUB_PAT, SLACK_BOT, SLACK_HOOK, CONFIGURED_TOKEN, CONFIGURED_WEBHOOK_SECRET,
                "configured-webhook-secret");
        assertThat(text).contains("[MASKED:github-pat]", "[MASKED:slack-token]", "[MASKED:slack-webhook-url]",
                "[MASKED:selfheal-secret]");
    }

    @Test
    void riskLevelsFollowTheIssueTable() {
        assertThat(risks.riskOf(delivery("killswitch", mapper().createObjectNode()).event())).isEqualTo("critical");
        assertThat(risks.riskOf(delivery("dead_letter", (ObjectNode) mapper().valueToTree(
                map("status", 403))).event())).isEqualTo("high");
        assertThat(risks.riskOf(delivery("dead_letter", (ObjectNode) mapper().valueToTree(
                map("status", 404))).event())).isEqualTo("medium");
        ObjectNode secret = mapper().createObjectNode().put("category", "secret_exposure");
        assertThat(risks.riskOf(delivery("detection", secret).event())).isEqualTo("critical");
        ObjectNode missing = mapper().createObjectNode().put("category", "missing_secret").put("attempts", 0);
        assertThat(risks.riskOf(delivery("final_failure", missing).event())).isEqualTo("medium");
        assertThat(risks.riskOf(delivery("final_failure", finalFailure("o/r", 1, "timeout", "x")).event()))
                .isEqualTo("high");
        assertThat(risks.riskOf(delivery("recovered", mapper().createObjectNode()).event())).isEqualTo("low");
    }
}
