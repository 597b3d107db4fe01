package dev.selfheal.notification;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.TestPolicies;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Shared set-up of the notification and audit tests: short waits (poll, back-off, GitHub redelivery from
 * {@link TestPolicies#fastSingleRedelivery()}), a unique repository per test so one test's requests are told
 * from another's, and event payloads as PHASE4_DESIGN.md's outbox contract describes them.
 */
public final class NotificationTestSupport {

    /** Planted secrets of each kind; none of them may leave the service. */
    public static final String GITHUB_PAT = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    public static final String SLACK_BOT = "xoxb-" + "1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";
    public static final String SLACK_HOOK = "https://hooks.slack.com/services/" + "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
    /** application-test.yaml's GitHub token and webhook secret. */
    public static final String CONFIGURED_TOKEN = "test-token-0123456789";
    public static final String CONFIGURED_WEBHOOK_SECRET = "test-webhook-secret";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final AtomicLong RUN_IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 10);

    private NotificationTestSupport() {
    }

    public static void fastSettings(DynamicPropertyRegistry registry, String githubUrl, String slackUrl) {
        String config = TestPolicies.fastSingleRedelivery().toString();
        registry.add("selfheal.github.api-url", () -> githubUrl);
        registry.add("selfheal.slack.webhook-url", () -> slackUrl == null ? "" : slackUrl);
        registry.add("selfheal.config-dir", () -> config);
        fastConsumers(registry);
        registry.add("selfheal.outbox.notification.lease", () -> "3s");
        registry.add("selfheal.outbox.audit.lease", () -> "3s");
    }

    /** The notification and audit consumers poll every 100 ms, Slack and audit tickets wait little. */
    public static void fastConsumers(DynamicPropertyRegistry registry) {
        for (String consumer : new String[] {"notification", "audit"}) {
            registry.add("selfheal.outbox." + consumer + ".poll-period", () -> "100ms");
            registry.add("selfheal.outbox." + consumer + ".poll-delay", () -> "100ms");
            registry.add("selfheal.outbox." + consumer + ".retry-delay", () -> "500ms");
            registry.add("selfheal.outbox." + consumer + ".max-retry-delay", () -> "1s");
        }
        registry.add("selfheal.notification.slack-min-interval", () -> "10ms");
        registry.add("selfheal.notification.audit-ticket-wait", () -> "100ms");
    }

    /** Earlier test classes may have left deliveries pending in the shared test database: settle them first. */
    public static void settleLeftoverDeliveries() {
        ExternalPostgres.ensureDatabase();
        try (Connection c = DriverManager.getConnection(ExternalPostgres.jdbcUrl(), "postgres", "")) {
            try (var rs = c.createStatement().executeQuery("SELECT to_regclass('phase4_event_deliveries')")) {
                rs.next();
                if (rs.getString(1) == null) {
                    return;
                }
            }
            c.createStatement().executeUpdate("UPDATE phase4_event_deliveries SET status = 'done', done_at = now() "
                    + "WHERE status = 'pending'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String uniqueRepository(String name) {
        return "octo-org/" + name + "-" + Long.toString(System.nanoTime(), 36);
    }

    public static long runId() {
        return RUN_IDS.incrementAndGet();
    }

    /** The common run fields of the contract. */
    public static ObjectNode runPayload(String repository, long runId, int attempt) {
        ObjectNode p = MAPPER.createObjectNode();
        p.put("repository", repository);
        p.put("runId", runId);
        p.put("runAttempt", attempt);
        p.put("workflowId", 101);
        p.put("workflowName", "CI");
        p.put("htmlUrl", "https://github.com/" + repository + "/actions/runs/" + runId);
        p.put("actor", "octocat");
        p.put("conclusion", "failure");
        return p;
    }

    public static ObjectNode finalFailure(String repository, long runId, String category, String matchedLine) {
        ObjectNode p = runPayload(repository, runId, 3);
        p.put("category", category);
        p.put("risk", "high");
        p.put("attempts", 2);
        p.put("reason", "max_attempts");
        p.put("matchedLine", matchedLine);
        p.put("fix", "A test or build step failed: a retry cannot fix it.");
        return p;
    }

    /**
     * A final failure no rule recognised, as the retry engine records it: its last error lines (one holding a
     * planted token, which the outbox masks) and the rule suggested from the first.
     */
    public static ObjectNode unknownFinalFailure(String repository, long runId) {
        ObjectNode p = finalFailure(repository, runId, "unknown", null);
        p.put("attempts", 0);
        p.put("reason", "not retryable: unknown");
        String first = "Error: Deployment 8812 of environment 'staging' was rejected by protection rule 3";
        p.putArray("errorLines").add(first).add("error: token " + GITHUB_PAT + " is not allowed here");
        p.set("suggestedRule", MAPPER.valueToTree(dev.selfheal.retry.SuggestedRule.of(first).payload()));
        return p;
    }

    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
