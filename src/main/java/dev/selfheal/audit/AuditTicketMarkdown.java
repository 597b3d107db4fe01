package dev.selfheal.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.retry.SuggestedRule;
import org.springframework.stereotype.Component;

/** The Markdown twin of an audit ticket, for people: the same fields as the JSON, as tables. */
@Component
public class AuditTicketMarkdown {

    public String render(JsonNode t) {
        StringBuilder b = new StringBuilder();
        JsonNode run = t.path("run");
        JsonNode error = t.path("error");
        JsonNode cls = t.path("classification");
        JsonNode links = t.path("links");
        b.append("# Audit ticket ").append(t.path("ticketId").asText()).append("\n\n");
        b.append("**Risk level: ").append(t.path("riskLevel").asText().toUpperCase()).append("** — ")
                .append(t.path("event").path("type").asText()).append(" (event ")
                .append(t.path("event").path("id").asText()).append(", ")
                .append(t.path("event").path("occurredAt").asText()).append(")\n\n");
        b.append("Created ").append(t.path("createdAt").asText()).append(" (UTC).\n\n");
        b.append("## Run\n\n| Field | Value |\n|---|---|\n");
        row(b, "Repository", run.path("repository"));
        row(b, "Workflow", run.path("workflow"));
        row(b, "Run id", run.path("runId"));
        row(b, "Run URL", run.path("runUrl"));
        row(b, "Attempt", run.path("attempt"));
        row(b, "Time (UTC)", run.path("time"));
        row(b, "Actor", run.path("actor"));
        row(b, "Result", run.path("result"));
        row(b, "Duration (s)", run.path("durationSeconds"));
        b.append("\n## Error\n\n| Field | Value |\n|---|---|\n");
        row(b, "Code", error.path("code"));
        row(b, "Message", error.path("message"));
        row(b, "Time (UTC)", error.path("time"));
        row(b, "Run id", error.path("runId"));
        b.append("\n## Classification\n\n| By | Value |\n|---|---|\n");
        JsonNode http = cls.path("byHttpCode");
        b.append("| HTTP code | ").append(http.path("status").isNull() ? "-" : http.path("status").asText())
                .append(" (").append(http.path("class").asText()).append(", ").append(http.path("meaning").asText())
                .append(") |\n");
        row(b, "Cause", cls.path("byCause").path("category"));
        row(b, "Rule", cls.path("byCause").path("rule"));
        row(b, "Matched line", cls.path("byCause").path("matchedLine"));
        row(b, "Decided by", cls.path("byCause").path("evidence"));
        row(b, "Steps", cls.path("byCause").path("steps"));
        JsonNode errorLines = cls.path("byCause").path("errorLines");
        if (errorLines.isArray() && !errorLines.isEmpty()) {
            b.append("\n### Last error lines (no rule recognised them)\n\n```\n");
            errorLines.forEach(l -> b.append(l.asText().replace("```", "` ` `")).append('\n'));
            b.append("```\n");
        }
        SuggestedRule rule = SuggestedRule.fromPayload(cls.path("byCause").path("suggestedRule"));
        if (rule != null) {
            b.append("\n### Suggested rule\n\nFailures whose first error line reads `")
                    .append(rule.normalised().replace("`", "'"))
                    .append("` are recognised by this rule in `config/phase4-retry-policy.json` "
                            + "(choose its category):\n\n```json\n")
                    .append(rule.policyRuleJson()).append("\n```\n");
        }
        b.append("\n## Artifacts\n\n");
        JsonNode evidence = t.path("evidence");
        String status = t.path("artifactsStatus").asText("");
        if (evidence.isObject()) {
            b.append("Evidence of the run collected in `").append(evidence.path("path").asText("?").replace("`", "'"))
                    .append("` (").append(evidence.path("type").asText("?")).append(", recorded ")
                    .append(evidence.path("recordedAt").asText("?")).append(").");
            if (!evidence.path("missing").isEmpty()) {
                b.append(" Missing:");
                evidence.path("missing").forEach(m -> b.append(' ').append(cell(m)).append(';'));
            }
            JsonNode provenance = evidence.path("provenance");
            if (provenance.isObject() && !"none".equals(provenance.path("status").asText())) {
                b.append(" Provenance (subjects' SHA-256 against the collected artifacts): **")
                        .append(cell(provenance.path("status"))).append("**");
                for (JsonNode sub : provenance.path("subjects")) {
                    b.append("; ").append(cell(sub.path("name"))).append(' ')
                            .append(cell(sub.path("result")));
                }
                b.append('.');
            }
            b.append("\n\n");
        }
        if (t.path("artifacts").isEmpty()) {
            b.append("pending".equals(status)
                    ? "Not collected yet when this ticket was written: the run's evidence collection was still "
                            + "running; this ticket is rewritten when it finishes.\n"
                    : "None collected.\n");
        } else {
            b.append("| Name | Size (bytes) | SHA-256 |\n|---|---|---|\n");
            for (JsonNode a : t.path("artifacts")) {
                b.append("| ").append(cell(a.path("name"))).append(" | ").append(cell(a.path("sizeBytes")))
                        .append(" | ").append(cell(a.path("sha256"))).append(" |\n");
            }
        }
        b.append("\n## What Selfheal did\n\n").append(t.path("selfhealAction").asText()).append("\n");
        b.append("\n## Links\n\n| Where | Link |\n|---|---|\n");
        row(b, "Slack", links.path("slack"));
        row(b, "GitHub issue", links.path("githubIssue"));
        row(b, "This ticket", links.path("markdown"));
        return b.toString();
    }

    private static void row(StringBuilder b, String name, JsonNode value) {
        b.append("| ").append(name).append(" | ").append(cell(value)).append(" |\n");
    }

    private static String cell(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull() || v.asText().isEmpty()) {
            return "-";
        }
        return v.asText().replace("|", "\\|").replace("\r", "").replace("\n", "<br>");
    }
}
