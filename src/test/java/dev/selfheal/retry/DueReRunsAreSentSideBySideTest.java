package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.selfheal.test.CoreLoopTest;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Re-runs of different repositories due together are sent side by side: with a GitHub that takes 3 s to answer
 * each POST, six due re-runs of six repositories all reach it before the first answer (one after the other they
 * would arrive 3 s apart), and each is sent once. (One repository's re-runs keep due order:
 * KillSwitchReleaseSendsPendingInDueOrderTest.)
 */
class DueReRunsAreSentSideBySideTest extends CoreLoopTest {

    @Test
    void aClaimedBatchGoesOutTogether() {
        long base = newRunId() * 100;
        List<Long> runs = LongStream.range(0, 6).map(i -> base + i).boxed().toList();
        String owner = "side-" + base;
        github.stubRerun(post(urlPathMatching("/repos/" + owner + "/repo-\\d/actions/runs/\\d+/rerun-failed-jobs"))
                .atPriority(1).willReturn(aResponse().withStatus(201).withFixedDelay(3_000)));
        // six re-runs of six repositories due now, written in one statement so one claim takes them all
        jdbc.update("""
                INSERT INTO phase4_retry_history (original_run_id, repository, attempt, category, reason,
                    interval_seconds, due_at, status)
                SELECT r, ? || '/repo-' || (r % 10), 1, 'transient_infrastructure', 'runner lost', 0, now(), 'pending'
                  FROM unnest(?::bigint[]) AS r""", owner, runs.toArray(new Long[0]));

        eventually(() -> runs.stream().allMatch(id -> retries(id).size() == 1
                && "sent".equals(retries(id).get(0).get("status"))), Boolean.TRUE::equals);
        List<ServeEvent> posts = wm.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("POST")
                        && runs.stream().anyMatch(id -> e.getRequest().getUrl().equals("/repos/" + owner + "/repo-"
                                + id % 10 + "/actions/runs/" + id + "/rerun-failed-jobs")))
                .toList();
        assertThat(posts).hasSize(runs.size());
        long first = posts.stream().mapToLong(e -> e.getRequest().getLoggedDate().getTime()).min().orElseThrow();
        long last = posts.stream().mapToLong(e -> e.getRequest().getLoggedDate().getTime()).max().orElseThrow();
        assertThat(Duration.ofMillis(last - first)).as("all six arrived before GitHub answered the first")
                .isLessThan(Duration.ofMillis(2_500));
    }
}
