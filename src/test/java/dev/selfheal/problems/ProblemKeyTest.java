package dev.selfheal.problems;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.outbox.Outbox;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The problem key of an event: what makes two events the same problem (notify on change, not on repetition). */
class ProblemKeyTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Outbox.Event event(String type, String repository, Long runId, Integer attempt, Map<String, ?> p) {
        return new Outbox.Event(1, type, repository, runId, attempt, MAPPER.valueToTree(p), Instant.now(), 1);
    }

    private static NotificationProblems.Problem deadLetter(String url, Object status, String route) {
        return NotificationProblems.problemOf(event("dead_letter", "o/r", null, null, Map.of("method", "GET",
                "url", url, "route", route, "status", status, "category", "not_found")));
    }

    @Test
    void deadLettersOfTheSameCallOnOtherIdsAreOneProblem() {
        // one mistyped repository in the inbox: every run line's lookup fails the same way
        var a = deadLetter("https://api.github.com/repos/o/typo/actions/runs/123?page=2", 404, "evidence-inbox");
        var b = deadLetter("https://api.github.com/repos/o/typo/actions/runs/456", 404, "evidence-inbox");
        assertThat(a).isEqualTo(b);
        assertThat(a.key()).isEqualTo("dead_letter:GET /repos/o/typo/actions/runs/:id 404 not_found");
        assertThat(deadLetter("https://api.github.com/repos/o/typo/actions/runs/456", 500, "x")).isNotEqualTo(a);
        assertThat(deadLetter("https://api.github.com/repos/o/r/issues", 404, "notification-issue")).isNull();
    }

    @Test
    void aRunIsOneProblemWhoseStateIsItsFinalFailureAttemptOrItsRecovery() {
        var failed = NotificationProblems.problemOf(event("final_failure", "o/r", 7L, 3, Map.of()));
        var again = NotificationProblems.problemOf(event("final_failure", "o/r", 7L, 3, Map.of()));
        var recovered = NotificationProblems.problemOf(event("recovered", "o/r", 7L, 4, Map.of()));
        assertThat(again).isEqualTo(failed);
        assertThat(recovered.key()).isEqualTo(failed.key()).isEqualTo("run:o/r#7");
        assertThat(recovered.state()).isNotEqualTo(failed.state());
    }

    @Test
    void detectionsAreKeyedByRuleAndFileOrType() {
        var a = NotificationProblems.problemOf(event("detection", null, null, null,
                Map.of("ruleId", "inbox-file-refused", "file", "runs.csv", "type", "3 bad line(s)")));
        var b = NotificationProblems.problemOf(event("detection", null, null, null,
                Map.of("ruleId", "inbox-file-refused", "file", "runs.csv", "type", "4 bad line(s)")));
        assertThat(a).isEqualTo(b);
        assertThat(a.key()).isEqualTo("detection:inbox-file-refused:runs.csv");
        assertThat(NotificationProblems.problemOf(event("killswitch", null, null, null, Map.of()))).isNull();
    }
}
