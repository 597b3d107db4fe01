package dev.selfheal.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.retry.SuggestedRule;
import dev.selfheal.risk.RiskLevels;
import dev.selfheal.sanitize.Sanitizer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Block Kit messages for the Slack webhook, one per event type, within Slack's limits: at most 50 blocks, 3,000
 * characters per section text, 150 per header; a long log line is split over several sections and the rest cut,
 * never rejected. The whole message passes the sanitizer last, so nothing added on the way escapes it.
 */
@Component
public class SlackMessages {

    static final int MAX_BLOCKS = 50;
    static final int MAX_SECTION = 3_000;
    static final int MAX_HEADER = 150;
    static final int MAX_FIELD = 2_000;
    static final int MAX_FALLBACK_TEXT = 3_000;

    private final ObjectMapper mapper;
    private final Sanitizer sanitizer;
    private final RiskLevels risks;

    public SlackMessages(ObjectMapper mapper, Sanitizer sanitizer, RiskLevels risks) {
        this.mapper = mapper;
        this.sanitizer = sanitizer;
        this.risks = risks;
    }

    public ObjectNode build(Delivery delivery) {
        Outbox.Event e = delivery.event();
        JsonNode p = e.payload();
        ObjectNode message = mapper.createObjectNode();
        ArrayNode blocks = message.putArray("blocks");
        String title = title(e);
        message.put("text", cut(title + " - " + what(e), MAX_FALLBACK_TEXT));

        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", cut(title, MAX_HEADER));

        if (!"daily_summary".equals(e.type())) {
            ObjectNode fields = blocks.addObject().put("type", "section");
            ArrayNode list = fields.putArray("fields");
            field(list, "Repository", or(e.repository(), text(p, "repository"), "-"));
            field(list, "Workflow", or(text(p, "workflowName"), null, "-"));
            String url = text(p, "htmlUrl");
            String run = e.runId() == null ? "-" : (url == null ? "#" + e.runId() : "<" + url + "|#" + e.runId() + ">");
            field(list, "Run", run);
            field(list, "Attempt", e.runAttempt() != null ? String.valueOf(e.runAttempt())
                    : or(text(p, "attempts"), text(p, "attempt"), "-"));
            field(list, "Category", or(text(p, "category"), text(p, "rule"), or(text(p, "type"), null, "-")));
            field(list, "Risk level", risks.riskOf(e));
        }
        section(blocks, "*What Selfheal did*\n" + what(e));

        List<String> details = new ArrayList<>();
        for (String key : List.of("reason", "evidence", "matchedLine", "steps", "message", "detail", "fix")) {
            String v = text(p, key);
            if (v != null && !v.isBlank()) {
                details.add("*" + key + "*\n" + v);
            }
        }
        JsonNode errorLines = p == null ? null : p.get("errorLines");
        if (errorLines != null && errorLines.isArray() && !errorLines.isEmpty()) {
            StringBuilder lines = new StringBuilder("*Last error lines* (no rule recognised them)\n```");
            errorLines.forEach(l -> lines.append(l.asText().replace("```", "` ` `")).append('\n'));
            details.add(lines.append("```").toString());
        }
        SuggestedRule rule = SuggestedRule.fromPayload(p == null ? null : p.get("suggestedRule"));
        if (rule != null) {
            details.add("*Suggested rule* (give it a category, add it to `config/phase4-retry-policy.json`)\n```"
                    + rule.policyRuleJson() + "```");
        }
        for (JsonNode group : p == null ? List.<JsonNode>of() : p.path("unknownFailures")) {
            SuggestedRule suggested = SuggestedRule.fromPayload(group.get("suggestedRule"));
            details.add("*" + group.path("failures").asText() + "\u00d7 unknown* (" + group.path("runs").asText()
                    + " run(s), " + group.path("repositories").asText() + " repositor"
                    + (group.path("repositories").asInt() == 1 ? "y" : "ies") + "): `"
                    + (group.path("line").isTextual() ? group.path("line").asText().replace("`", "'") : "(no error line)")
                    + "`" + (suggested == null ? "" : "\n```" + suggested.policyRuleJson() + "```"));
        }
        JsonNode repeats = p == null ? null : p.get("repeats");
        if (repeats != null && repeats.isArray() && !repeats.isEmpty()) {
            StringBuilder digest = new StringBuilder("*Repeats not notified again* (problem: repeats, state)");
            repeats.forEach(r -> digest.append("\n\u2022 `").append(r.path("key").asText().replace("`", "'"))
                    .append("`: ").append(r.path("count").asText()).append("\u00d7, ").append(r.path("state").asText()));
            details.add(digest.toString());
        }
        for (String d : details) {
            for (String chunk : chunks(d, MAX_SECTION)) {
                // two blocks stay free for the links and the truncation note
                if (blocks.size() >= MAX_BLOCKS - 2) {
                    section(blocks, "_(further detail cut to stay within Slack's 50 blocks; see the audit ticket)_");
                    break;
                }
                section(blocks, chunk);
            }
            if (blocks.size() >= MAX_BLOCKS - 1) {
                break;
            }
        }

        List<String> links = new ArrayList<>();
        if (delivery.issueUrl() != null) {
            links.add("GitHub issue: <" + delivery.issueUrl() + ">");
        }
        if (delivery.auditTicket() != null) {
            links.add("Audit ticket: " + delivery.auditTicket());
        }
        if (!links.isEmpty()) {
            ObjectNode context = blocks.addObject().put("type", "context");
            context.putArray("elements").addObject().put("type", "mrkdwn")
                    .put("text", cut(String.join("  |  ", links), MAX_SECTION));
        }
        return (ObjectNode) sanitizer.sanitize(message);
    }

    static String title(Outbox.Event e) {
        String where = e.repository() == null ? "" : " in " + e.repository();
        String workflow = text(e.payload(), "workflowName");
        String wf = workflow == null ? "" : " " + workflow;
        return switch (e.type()) {
            case "final_failure" -> ":x: Final failure:" + wf + where;
            case "recovered" -> ":white_check_mark: Recovered:" + wf + where;
            case "guard_violation" -> ":no_entry: CI guard stopped retries:" + wf + where;
            case "dead_letter" -> ":warning: GitHub call failed for good" + where;
            case "detection" -> ("normal".equals(text(e.payload(), "status")) ? ":white_check_mark: Back to normal: "
                    : ":mag: Detection: ") + or(text(e.payload(), "type"), text(e.payload(), "ruleId"), "anomaly")
                    + where;
            case "killswitch" -> ":rotating_light: Kill switch" + where;
            case "rollback" -> ":leftwards_arrow_with_hook: Rollback" + where;
            case "evidence_missing" -> ":file_folder: Evidence missing" + where;
            case "daily_summary" -> ":bar_chart: Selfheal daily summary " + or(text(e.payload(), "date"), null, "");
            default -> e.type() + where;
        };
    }

    /** Both times to recovery, each named by its clock (ours and GitHub's are never mixed). */
    static String recoveryTimes(JsonNode p) {
        String ours = text(p, "timeToRecoverSeconds");
        String theirs = text(p, "githubTimeToRecoverSeconds");
        if (ours == null && theirs == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (time to recovery: ");
        if (ours != null) {
            b.append(ours).append(" s on Selfheal's clock, first sight to verification");
        }
        if (theirs != null) {
            b.append(ours == null ? "" : "; ").append(theirs)
                    .append(" s on GitHub's clock, failed attempt to successful attempt");
        }
        return b.append(')').toString();
    }

    /** One sentence of what Selfheal did about the event. */
    static String what(Outbox.Event e) {
        JsonNode p = e.payload();
        return switch (e.type()) {
            case "final_failure" -> "Gave up after " + or(text(p, "attempts"), null, "0")
                    + " automatic re-run(s)" + suffix(text(p, "reason")) + "; tracked in a GitHub issue.";
            case "recovered" -> "Re-ran the failed jobs; the run succeeded after " + or(text(p, "attempts"), null, "?")
                    + " attempt(s)" + recoveryTimes(p) + ".";
            case "guard_violation" -> "Stopped automatic re-runs: guard " + or(text(p, "rule"), null, "?")
                    + " tripped" + suffix(text(p, "detail")) + ".";
            case "dead_letter" -> "Did not retry " + or(text(p, "method"), null, "") + " " + or(text(p, "url"), null, "")
                    + ": " + or(text(p, "status"), null, "no answer") + " " + or(text(p, "category"), null, "") + ".";
            case "detection" -> "normal".equals(text(p, "status")) ? or(text(p, "detail"), null, "Back to normal") + "."
                    : "Detected " + or(text(p, "type"), text(p, "ruleId"), "an anomaly")
                    + (text(p, "value") == null ? "" : " (value " + text(p, "value") + ", threshold "
                    + or(text(p, "threshold"), null, "?") + ")") + "; action: " + or(text(p, "action"), null, "notify")
                    + ".";
            case "daily_summary" -> or(text(p, "summary"), null, "No events.");
            case "killswitch" -> killSwitch(p);
            case "rollback" -> or(text(p, "summary"), null, "Rollback recorded") + suffix(text(p, "reason")) + ".";
            default -> "Recorded " + e.type() + ".";
        };
    }

    private static String killSwitch(JsonNode p) {
        String by = or(text(p, "actor"), null, "?") + " (" + or(text(p, "trigger"), null, "?") + ")";
        return switch (or(text(p, "action"), null, "engaged")) {
            case "released" -> "Released by " + or(text(p, "releasedBy"), null, "?") + ": "
                    + or(text(p, "releaseReason"), null, "") + ". Stopped routes started again: "
                    + p.path("stoppedRoutes") + "; " + or(text(p, "pendingReruns"), null, "0")
                    + " pending re-run(s) go out in due order.";
            case "verification_failed" -> "VERIFICATION FAILED: " + or(text(p, "verification"), null, "?")
                    + ". Check the routes and GitHub now.";
            default -> "Engaged by " + by + ": " + or(text(p, "reason"), null, "") + ". Automatic actions and GitHub "
                    + "writes are stopped (routes " + p.path("stoppedRoutes") + ", cancelled re-runs "
                    + p.path("cancelledRuns") + ").";
        };
    }

    private static String suffix(String s) {
        return s == null || s.isBlank() ? "" : " (" + s + ")";
    }

    private static void field(ArrayNode fields, String name, String value) {
        fields.addObject().put("type", "mrkdwn").put("text", cut("*" + name + "*\n" + value, MAX_FIELD));
    }

    private static void section(ArrayNode blocks, String text) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
                .put("text", cut(text, MAX_SECTION));
    }

    static List<String> chunks(String text, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            out.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return out;
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    static String text(JsonNode p, String field) {
        JsonNode v = p == null ? null : p.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String or(String a, String b, String c) {
        return a != null ? a : b != null ? b : c;
    }
}
