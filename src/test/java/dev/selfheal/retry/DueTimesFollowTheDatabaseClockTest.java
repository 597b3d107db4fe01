package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.selfheal.outbox.Outbox;
import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import dev.selfheal.test.JvmClockShift;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The JVM's clock jumps an hour forward or back while the service runs (the machine's and the database server's
 * clocks do not move): due times are set and compared on the database's clock, so a re-run still waits exactly
 * its back-off, a rate-limited re-run exactly GitHub's Retry-After, and an outbox delivery exactly its back-off —
 * none is sent early (clock back) or left waiting an hour (clock forward).
 */
class DueTimesFollowTheDatabaseClockTest extends CoreLoopTest {

    @Autowired
    Outbox outbox;

    @AfterEach
    void clockBack() {
        JvmClockShift.reset();
    }

    @ParameterizedTest(name = "JVM clock {0} min")
    @ValueSource(ints = {60, -60})
    void rerunWaitsItsBackOffAndRetryAfterOnTheDatabaseClock(int minutes) {
        long runId = newRunId();
        String path = GitHubStandIn.rerunPath(runId);
        github.stubRerunWaitThenAccept(runId, 429, 1, "You have exceeded a secondary rate limit.");
        var run = github.stubAttempt(runId, 1, "failure", GitHubStandIn.RUNNER_LOST);

        JvmClockShift.set(Duration.ofMinutes(minutes));
        github.deliverRun(port, run);

        // clock forward: a due time on the JVM's clock would wait an hour; the test waits 30 s
        eventually(() -> retries(runId), r -> r.size() == 1 && "sent".equals(r.get(0).get("status")));
        Map<String, Object> scheduled = jdbc.queryForMap("SELECT extract(epoch FROM (payload->>'dueAt')::timestamptz "
                + "- occurred_at) AS wait, (payload->>'intervalSeconds')::float8 AS backoff FROM phase4_events "
                + "WHERE run_id = ? AND event_type = 'retry_scheduled'", runId);
        assertThat(((Number) scheduled.get("wait")).doubleValue()).as("due time = database now + back-off")
                .isCloseTo(((Number) scheduled.get("backoff")).doubleValue(), within(1.0));
        // clock back: a due time on the JVM's clock would be an hour in the past, the second POST at once
        List<Instant> posts = wm.findAll(postRequestedFor(urlPathEqualTo(path))).stream()
                .map(r -> r.getLoggedDate().toInstant()).toList();
        assertThat(posts).hasSize(2);
        assertThat(Duration.between(posts.get(0), posts.get(1))).as("Retry-After: 1 honoured, not more")
                .isBetween(Duration.ofMillis(900), Duration.ofSeconds(15));
    }

    @ParameterizedTest(name = "JVM clock {0} min")
    @ValueSource(ints = {60, -60})
    void outboxBackOffIsAWaitOnTheDatabaseClock(int minutes) {
        long eventId = outbox.record("detection", GitHubStandIn.REPO, null, null,
                Map.of("ruleId", "clock-jump", "type", "clock", "action", "notify", "detail", "due times"));
        try {
            JvmClockShift.set(Duration.ofMinutes(minutes));
            Outbox.Event event = new Outbox.Event(eventId, "detection", GitHubStandIn.REPO, null, null, null,
                    Instant.now(), 1);
            outbox.retryWithBackoff(event, "notification", new IOException("Slack did not answer"),
                    Duration.ofSeconds(30), Duration.ofMinutes(10));
            assertThat(secondsUntilDue(eventId)).as("back-off of the first failure").isCloseTo(30.0, within(2.0));

            outbox.retryAt(eventId, "notification", Instant.now().plusSeconds(120), "Slack asked to wait");
            assertThat(secondsUntilDue(eventId)).as("a wait named as a JVM instant").isCloseTo(120.0, within(2.0));
        } finally {
            jdbc.update("UPDATE phase4_event_deliveries SET status = 'done', done_at = now() WHERE event_id = ?",
                    eventId);
        }
    }

    private double secondsUntilDue(long eventId) {
        return jdbc.queryForObject("SELECT extract(epoch FROM due_at - now()) FROM phase4_event_deliveries "
                + "WHERE event_id = ? AND consumer = 'notification'", Double.class, eventId);
    }
}
