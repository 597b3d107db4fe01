package dev.selfheal.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.github.GitHubApi;
import dev.selfheal.github.GitHubDeadLetter;
import dev.selfheal.github.GitHubPaths;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.risk.RiskLevels;
import dev.selfheal.routes.ExchangeProperties;
import dev.selfheal.sanitize.Sanitizer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * One open GitHub issue per repository + workflow + category. The issue is found again by a marker in its body
 * ({@code <!-- selfheal:key=... -->}) among the open issues labelled {@code selfheal}; a repeat becomes a comment,
 * a recovered run comments on the open issues of its workflow. Labels: {@code selfheal} and
 * {@code risk:<level>}. The calls go through direct:github-list / direct:github-call (routes/notification.yaml).
 */
@Component
public class GitHubIssues {

    public static final String ACTION = "issueAction";
    static final String TARGETS = "issueTargets";
    static final String INTENT = "issueIntent";
    static final String COMMENT_BODY = "issueCommentBody";
    static final String MARKER_PREFIX = "<!-- selfheal:key=";
    /** How long an announced write may take before another instance treats its instance as gone. */
    static final Duration INTENT_LEASE = Duration.ofMinutes(2);

    private final ObjectMapper mapper;
    private final Sanitizer sanitizer;
    private final RiskLevels risks;
    private final NotificationRecords records;
    /**
     * The last full list of open selfheal issues per repository. github-list hands out no items for a 304 (ETag
     * unchanged), so an unchanged list is answered from here.
     */
    private final Map<String, List<JsonNode>> lastOpenIssues = new ConcurrentHashMap<>();

    private final JdbcTemplate jdbc;

    public GitHubIssues(ObjectMapper mapper, Sanitizer sanitizer, RiskLevels risks, NotificationRecords records,
            JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.sanitizer = sanitizer;
        this.risks = risks;
        this.records = records;
    }

    /** The stable key of the problem an event is about: repository / workflow / category. */
    public static String key(Outbox.Event e) {
        JsonNode p = e.payload();
        String workflow = p.hasNonNull("workflowId") ? "workflow-" + p.get("workflowId").asText()
                : p.hasNonNull("workflowName") ? p.get("workflowName").asText().replaceAll("\\s+", "-") : "any";
        String cause = switch (e.type()) {
            case "guard_violation" -> "guard-" + p.path("rule").asText("unknown");
            case "dead_letter" -> "dead-letter-" + p.path("category").asText("unknown");
            case "detection" -> "detection-" + p.path("ruleId").asText("unknown");
            default -> p.path("category").asText("unknown");
        };
        return e.repository() + "/" + workflow + "/" + cause;
    }

    static String workflowKeyPrefix(Outbox.Event e) {
        String k = key(e);
        return k.substring(0, k.lastIndexOf('/') + 1);
    }

    public static String marker(String key) {
        return MARKER_PREFIX + key + " -->";
    }

    /** Written into every issue and comment: lets a later attempt see that this event's write already happened. */
    public static String eventMarker(long eventId) {
        return "<!-- selfheal:event=" + eventId + " -->";
    }

    /** Before direct:github-list: the open issues labelled selfheal of the event's repository. */
    public void listRequest(Exchange exchange) {
        Delivery d = exchange.getProperty(Delivery.PROPERTY, Delivery.class);
        d.issueAttempted = true;
        exchange.setProperty(GitHubApi.METHOD, "GET");
        exchange.setProperty(GitHubApi.PATH, GitHubPaths.issues(d.event().repository()));
        exchange.setProperty(GitHubApi.QUERY, "state=open&labels=selfheal&per_page=100");
        exchange.removeProperty(GitHubApi.ITEMS_FIELD);
        exchange.setProperty(ExchangeProperties.REPOSITORY, d.event().repository());
        exchange.setProperty(ExchangeProperties.RUN_ID, d.event().runId());
    }

    /**
     * After the list: decides create (no open issue with the marker), comment (one has it) or none (a recovered
     * run with no open issue), and prepares that call. A failed list is a failed delivery to this channel.
     */
    public void chooseAction(Exchange exchange) {
        Delivery d = exchange.getProperty(Delivery.PROPERTY, Delivery.class);
        Outbox.Event e = d.event();
        if (failure(exchange) != null) {
            exchange.setProperty(ACTION, "failed");
            return;
        }
        @SuppressWarnings("unchecked")
        List<JsonNode> items = exchange.getMessage().getBody(List.class);
        boolean notModified = exchange.getProperty(GitHubApi.NOT_MODIFIED, false, Boolean.class);
        List<JsonNode> open = (items == null || items.isEmpty()) && notModified
                ? lastOpenIssues.getOrDefault(e.repository(), List.of())
                : items == null ? List.of() : new ArrayList<>(items);
        lastOpenIssues.put(e.repository(), open);

        List<JsonNode> targets = new ArrayList<>();
        if (d.issueMode == Delivery.IssueMode.COMMENT_ONLY) {
            String prefix = MARKER_PREFIX + workflowKeyPrefix(e);
            open.stream().filter(i -> !i.has("pull_request") && i.path("body").asText("").contains(prefix))
                    .forEach(targets::add);
        } else {
            String marker = marker(key(e));
            open.stream().filter(i -> !i.has("pull_request") && i.path("body").asText("").contains(marker))
                    .findFirst().ifPresent(targets::add);
        }
        exchange.getMessage().removeHeaders("*");
        String mine = eventMarker(e.id());
        List<JsonNode> openedByThisEvent = open.stream().filter(i -> i.path("body").asText("").contains(mine))
                .toList();
        if (!openedByThisEvent.isEmpty()) {
            // this event's issue was opened by an attempt that ended before recording it
            exchange.setProperty(TARGETS, openedByThisEvent);
            exchange.setProperty(ACTION, "already");
            return;
        }
        if (targets.isEmpty() && d.issueMode == Delivery.IssueMode.COMMENT_ONLY) {
            exchange.setProperty(ACTION, "none");
            return;
        }
        if (targets.isEmpty()) {
            String intent = "create:" + key(e);
            exchange.setProperty(INTENT, intent);
            if (!claim(intent, e.id(), true)) {
                // another instance is opening this issue right now: once it has, the list shows it (comment)
                exchange.setProperty(ACTION, "wait");
                return;
            }
        }
        if (targets.isEmpty()) {
            String risk = risks.riskOf(e);
            ObjectNode issue = mapper.createObjectNode();
            issue.put("title", sanitizer.sanitize(SlackMessages.cut(plain(SlackMessages.title(e)), 250)));
            issue.put("body", sanitizer.sanitize(body(d, risk) + "\n\n" + marker(key(e)) + "\n" + mine));
            issue.putArray("labels").add("selfheal").add("risk:" + risk);
            exchange.setProperty(GitHubApi.METHOD, "POST");
            exchange.setProperty(GitHubApi.PATH, GitHubPaths.issues(e.repository()));
            exchange.removeProperty(GitHubApi.QUERY);
            exchange.getMessage().setBody(issue);
            exchange.setProperty(ACTION, "create");
        } else {
            // one comment call per target; recovered runs rarely have more than one open issue per workflow
            JsonNode target = targets.get(0);
            exchange.setProperty(TARGETS, targets);
            ObjectNode comment = mapper.createObjectNode();
            comment.put("body", sanitizer.sanitize(commentBody(d) + "\n\n" + mine));
            exchange.setProperty(COMMENT_BODY, comment);
            int number = target.path("number").asInt();
            String intent = "comment:" + e.id() + ":" + number;
            exchange.setProperty(INTENT, intent);
            if (!claim(intent, e.id(), false)) {
                Map<String, Object> earlier = intent(intent);
                if (earlier != null && earlier.get("done_at") != null) {
                    exchange.setProperty(ACTION, "already");
                    return;
                }
                // an attempt that did not finish: look for its comment before writing another (its lease is
                // judged on the database's clock, which stamped the claim)
                Instant claimed = earlier == null ? Instant.now()
                        : ((java.sql.Timestamp) earlier.get("claimed_at")).toInstant();
                if (earlier == null || !Boolean.TRUE.equals(earlier.get("lease_over"))) {
                    exchange.setProperty(ACTION, "wait");
                    return;
                }
                exchange.setProperty(GitHubApi.METHOD, "GET");
                exchange.setProperty(GitHubApi.PATH, GitHubPaths.issueComments(e.repository(), number));
                exchange.setProperty(GitHubApi.QUERY, "per_page=100&since=" + claimed.minus(Duration.ofMinutes(1))
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
                exchange.removeProperty(GitHubApi.ITEMS_FIELD);
                exchange.getMessage().setBody(null);
                exchange.setProperty(ACTION, "check-comments");
                return;
            }
            prepareComment(exchange, e, number, comment);
        }
    }

    private void prepareComment(Exchange exchange, Outbox.Event e, int number, ObjectNode comment) {
        exchange.setProperty(GitHubApi.METHOD, "POST");
        exchange.setProperty(GitHubApi.PATH, GitHubPaths.issueComments(e.repository(), number));
        exchange.removeProperty(GitHubApi.QUERY);
        exchange.getMessage().setBody(comment);
        exchange.setProperty(ACTION, "comment");
    }

    /**
     * After listing the comments of an issue whose comment by this event was announced but never recorded: the
     * comment is there (our event marker) → already done; it is not → it is written now.
     */
    public void afterCommentCheck(Exchange exchange) {
        Delivery d = exchange.getProperty(Delivery.PROPERTY, Delivery.class);
        Outbox.Event e = d.event();
        if (failure(exchange) != null) {
            exchange.setProperty(ACTION, "failed");
            return;
        }
        @SuppressWarnings("unchecked")
        List<JsonNode> comments = exchange.getMessage().getBody(List.class);
        String mine = eventMarker(e.id());
        JsonNode found = comments == null ? null : comments.stream()
                .filter(c -> c.path("body").asText("").contains(mine)).findFirst().orElse(null);
        exchange.getMessage().removeHeaders("*");
        if (found != null) {
            exchange.setProperty(TARGETS, List.of(found));
            exchange.setProperty(ACTION, "already");
            return;
        }
        @SuppressWarnings("unchecked")
        List<JsonNode> targets = exchange.getProperty(TARGETS, List.class);
        jdbc.update("UPDATE phase4_issue_intents SET claimed_at = now() WHERE intent_key = ?",
                exchange.getProperty(INTENT, String.class));
        prepareComment(exchange, e, targets.get(0).path("number").asInt(),
                exchange.getProperty(COMMENT_BODY, ObjectNode.class));
    }

    /**
     * Announces a write: true when this attempt may make it. A create intent is taken over when the instance that
     * announced it is gone (past the lease) or when it is done: the fresh list did not show its issue, so it was
     * closed and a new one is right (GitHub's list changes, and so its ETag, as soon as an issue is opened).
     */
    private boolean claim(String intent, long eventId, boolean create) {
        List<Long> mine = jdbc.queryForList("INSERT INTO phase4_issue_intents (intent_key, event_id) VALUES (?, ?) "
                + "ON CONFLICT (intent_key) DO UPDATE SET event_id = EXCLUDED.event_id, claimed_at = now(), "
                + "done_at = NULL, issue_number = NULL, link = NULL WHERE ? AND ("
                + "(phase4_issue_intents.done_at IS NULL AND phase4_issue_intents.claimed_at < now() - "
                + "make_interval(secs => ?)) OR phase4_issue_intents.done_at IS NOT NULL) "
                + "RETURNING event_id", Long.class, intent, eventId, create, (double) INTENT_LEASE.toSeconds());
        return !mine.isEmpty();
    }

    private Map<String, Object> intent(String intent) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT claimed_at, done_at, issue_number, link, "
                + "claimed_at <= now() - make_interval(secs => ?) AS lease_over FROM phase4_issue_intents "
                + "WHERE intent_key = ?", (double) INTENT_LEASE.toSeconds(), intent);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** After the create/comment call (or none): the outcome, into the delivery and the records. */
    public void readOutcome(Exchange exchange) throws Exception {
        Delivery d = exchange.getProperty(Delivery.PROPERTY, Delivery.class);
        Outbox.Event e = d.event();
        String action = exchange.getProperty(ACTION, String.class);
        Map<String, Object> failure = failure(exchange);
        String intent = exchange.getProperty(INTENT, String.class);
        String channel = "comment".equals(action) || intent != null && intent.startsWith("comment:")
                ? "github_comment" : "github_issue";
        if ("none".equals(action)) {
            d.issueOutcome = "none";
            return;
        }
        if ("wait".equals(action)) {
            // another instance is writing the same issue right now: try again shortly, then comment on it
            d.issueOutcome = "waiting";
            return;
        }
        if ("already".equals(action)) {
            @SuppressWarnings("unchecked")
            List<JsonNode> targets = exchange.getProperty(TARGETS, List.class);
            String url = targets == null || targets.isEmpty() ? null : targets.get(0).path("html_url").asText(null);
            d.issueOutcome = "sent";
            d.issueUrl = url;
            if (intent != null) {
                jdbc.update("UPDATE phase4_issue_intents SET done_at = now(), link = coalesce(link, ?) "
                        + "WHERE intent_key = ?", url, intent);
            }
            records.record(e.id(), e.type(), e.repository(), channel, "sent", null,
                    "already on GitHub (this event's marker found): not written again", url, null);
            return;
        }
        String withheld = exchange.getProperty(GitHubApi.WITHHELD, String.class);
        if (withheld != null) {
            if (intent != null) {
                jdbc.update("DELETE FROM phase4_issue_intents WHERE intent_key = ? AND done_at IS NULL", intent);
            }
            // observe mode: the issue is what Selfheal would have opened or commented; nothing reached GitHub
            d.issueOutcome = "withheld";
            records.record(e.id(), e.type(), e.repository(), channel, "skipped", null, "would " + action + " "
                    + key(e) + " (" + withheld + ": not sent)", null, null);
            return;
        }
        if (failure != null) {
            if (intent != null) {
                jdbc.update("DELETE FROM phase4_issue_intents WHERE intent_key = ? AND done_at IS NULL", intent);
            }
            d.issueOutcome = "failed";
            Object status = failure.get("status");
            records.record(e.id(), e.type(), e.repository(), channel, "failed",
                    status instanceof Integer i ? i : null, failure.get("category") + ": " + failure.get("message"),
                    null, null);
            return;
        }
        JsonNode answer = mapper.readTree(exchange.getMessage().getBody(String.class));
        String url = answer.path("html_url").asText(null);
        if ("create".equals(action)) {
            // the new issue is open now: a repeat before the next full list finds it here
            ObjectNode remembered = mapper.createObjectNode();
            remembered.put("number", answer.path("number").asInt());
            remembered.put("html_url", url);
            remembered.put("body", marker(key(e)));
            List<JsonNode> open = new ArrayList<>(lastOpenIssues.getOrDefault(e.repository(), List.of()));
            open.add(remembered);
            lastOpenIssues.put(e.repository(), open);
        } else {
            @SuppressWarnings("unchecked")
            List<JsonNode> targets = exchange.getProperty(TARGETS, List.class);
            if (targets != null && !targets.isEmpty() && targets.get(0).hasNonNull("html_url")) {
                url = targets.get(0).get("html_url").asText();
            }
        }
        d.issueOutcome = "sent";
        d.issueUrl = url;
        if (intent != null) {
            Integer number = "create".equals(action) ? answer.path("number").asInt() : null;
            jdbc.update("UPDATE phase4_issue_intents SET done_at = now(), issue_number = ?, link = ? "
                    + "WHERE intent_key = ?", number, url, intent);
        }
        records.record(e.id(), e.type(), e.repository(), channel, "sent",
                exchange.getProperty(GitHubApi.STATUS, Integer.class), action + " " + key(e), url, null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> failure(Exchange exchange) {
        return exchange.getProperty(GitHubDeadLetter.FAILURE, Map.class);
    }

    private static String plain(String slackTitle) {
        return slackTitle.replaceAll(":[a-z_]+: ", "[selfheal] ");
    }

    private String body(Delivery d, String risk) {
        Outbox.Event e = d.event();
        JsonNode p = e.payload();
        StringBuilder b = new StringBuilder();
        b.append("Selfheal opened this issue: ").append(SlackMessages.what(e)).append("\n\n");
        b.append("| | |\n|---|---|\n");
        row(b, "Repository", e.repository());
        row(b, "Workflow", SlackMessages.text(p, "workflowName"));
        row(b, "Run", e.runId() == null ? null : "[#" + e.runId() + "](" + SlackMessages.text(p, "htmlUrl") + ")");
        row(b, "Attempt", e.runAttempt() == null ? SlackMessages.text(p, "attempts") : e.runAttempt().toString());
        row(b, "Category", SlackMessages.text(p, "category"));
        row(b, "Risk level", risk);
        row(b, "Audit ticket", d.auditTicket());
        details(b, p);
        b.append("\nFurther failures of this workflow with the same cause are added as comments; Selfheal comments "
                + "when a run recovers. Close the issue when the cause is fixed.");
        return b.toString();
    }

    private String commentBody(Delivery d) {
        Outbox.Event e = d.event();
        StringBuilder b = new StringBuilder();
        b.append("recovered".equals(e.type()) ? "**Recovered**: " : "**Again**: ").append(SlackMessages.what(e));
        b.append("\n\n| | |\n|---|---|\n");
        row(b, "Run", e.runId() == null ? null : "[#" + e.runId() + "](" + SlackMessages.text(e.payload(), "htmlUrl")
                + ")");
        row(b, "Attempt", e.runAttempt() == null ? null : e.runAttempt().toString());
        row(b, "Time", e.occurredAt().toString());
        row(b, "Audit ticket", d.auditTicket());
        details(b, e.payload());
        return b.toString();
    }

    private static void details(StringBuilder b, JsonNode p) {
        for (String key : List.of("reason", "evidence", "matchedLine", "steps", "message", "detail", "fix")) {
            String v = SlackMessages.text(p, key);
            if (v != null && !v.isBlank()) {
                b.append("\n**").append(key).append("**\n```\n")
                        .append(SlackMessages.cut(v.replace("```", "'''"), 20_000)).append("\n```\n");
            }
        }
    }

    private static void row(StringBuilder b, String name, String value) {
        if (value != null) {
            b.append("| ").append(name).append(" | ").append(value.replace("|", "\\|").replace("\n", " "))
                    .append(" |\n");
        }
    }
}
