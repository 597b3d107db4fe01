package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A secret that reached a row (an event payload, a notification's detail) leaves the API masked, and no answer
 * carries a key hash or the bootstrap key.
 */
@SelfhealTest
class ApiAnswersAreMaskedTest {

    static final String PAT = "ghp_" + "Q7wErTy8uIoP1aSdF2gHjK3lZxC4vBnM5q6R";
    static final String SLACK = "https://hooks.slack.com/services/T0ABCDEFG/B0HIJKLMN/abcdefghijklmnopqrstuvwx";

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys keys;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void secretsInRowsAreMaskedInEveryAnswer() {
        String repo = "mask/r" + UUID.randomUUID().toString().substring(0, 8);
        long eventId = jdbc.queryForObject("""
                INSERT INTO phase4_events (event_type, repository, payload) VALUES ('dead_letter', ?, ?::jsonb)
                RETURNING id""", Long.class, repo, "{\"message\":\"token " + PAT + " refused\",\"url\":\"" + SLACK + "\"}");
        jdbc.update("""
                INSERT INTO phase4_notifications (event_id, event_type, repository, channel, outcome, detail)
                VALUES (?, 'dead_letter', ?, 'slack', 'failed', ?)""", eventId, repo, "posted to " + SLACK
                + " with Authorization: Bearer " + PAT);
        String key = keys.create("masking", ManagementRole.ADMIN, null, "test").secret();
        ApiCalls api = new ApiCalls(port);

        for (String path : new String[] {"/api/v1/events?repo=" + repo.replace("/", "%2F"),
                "/api/v1/notifications?repo=" + repo.replace("/", "%2F"), "/api/v1/kpi", "/api/v1/keys"}) {
            HttpResponse<String> r = api.get(path, key);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).doesNotContain(PAT).doesNotContain("abcdefghijklmnopqrstuvwx")
                    .doesNotContain("bcrypt").doesNotContain(key);
            if (!path.startsWith("/api/v1/kpi") && !path.startsWith("/api/v1/keys")) {
                assertThat(r.body()).as(path).contains("[MASKED:");
            }
        }
    }
}
