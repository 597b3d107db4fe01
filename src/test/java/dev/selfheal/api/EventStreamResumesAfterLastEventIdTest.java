package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * GET /api/v1/events/stream sends the outbox as Server-Sent Events: after Last-Event-ID the events that came
 * later (not the one named), then new ones as they are written, masked; without a key it is a 401.
 */
@SelfhealTest
class EventStreamResumesAfterLastEventIdTest {

    static final String PAT = "ghp_" + "Mn8Bv7Cx6Zl5Kj4Hg3Fd2Sa1Qw0ErTyUiOpLk9";

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys keys;

    @Autowired
    JdbcTemplate jdbc;

    long event(String repo, String type, String message) {
        return jdbc.queryForObject("INSERT INTO phase4_events (event_type, repository, payload) VALUES (?, ?, ?::jsonb) "
                + "RETURNING id", Long.class, type, repo, "{\"message\":\"" + message + "\"}");
    }

    @Test
    void resumesThenFollows() throws Exception {
        String repo = "stream/r" + UUID.randomUUID().toString().substring(0, 8);
        long first = event(repo, "run_completed", "one");
        long second = event(repo, "failure_classified", "two with " + PAT);
        long third = event(repo, "retry_scheduled", "three");
        String key = keys.create("streamer", ManagementRole.VIEWER, null, "test").secret();
        ApiCalls api = new ApiCalls(port);

        assertThat(api.get("/api/v1/events/stream", null).statusCode()).isEqualTo(401);

        HttpResponse<Stream<String>> stream = api.send(api.request("/api/v1/events/stream", key)
                .header("Last-Event-ID", String.valueOf(first)).GET(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/event-stream"));
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Iterator<String> it = stream.body().iterator();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            while (it.hasNext()) {
                lines.add(it.next());
            }
        });

        waitFor(lines, "id:" + third);
        long fourth = event(repo, "recovered", "four");
        waitFor(lines, "id:" + fourth);
        reader.cancel(true);
        stream.body().close();

        String text = String.join("\n", lines);
        assertThat(lines).doesNotContain("id:" + first).contains("id:" + second, "id:" + third, "id:" + fourth);
        assertThat(lines).contains("event:failure_classified", "event:recovered");
        assertThat(lines.indexOf("id:" + second)).isLessThan(lines.indexOf("id:" + third));
        assertThat(text).contains("\"repository\":\"" + repo + "\"").doesNotContain(PAT).contains("[MASKED:");
    }

    static void waitFor(List<String> lines, String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!lines.contains(line) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(lines).as("waiting for " + line).contains(line);
    }
}
