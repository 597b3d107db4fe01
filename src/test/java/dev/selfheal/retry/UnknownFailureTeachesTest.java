package dev.selfheal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.test.CoreLoopTest;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A failure no rule recognises is not re-run, and its failure_classified and final_failure events carry the last
 * error lines of the job (sanitized, at most five) and a rule suggested from its first error line.
 */
class UnknownFailureTeachesTest extends CoreLoopTest {

    static final String PAT = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2";

    @Test
    void unknownFailureCarriesItsErrorLinesAndASuggestedRule() throws Exception {
        long runId = newRunId();
        var run = github.stubAttempt(runId, 1, "failure", "Run ./deploy.sh\n"
                + "Error: Deployment 8812 of environment 'staging' was rejected by protection rule 3\n"
                + "error: token " + PAT + " is not allowed here\n"
                + "Cleaning up orphan processes");

        github.deliverRun(port, run);

        eventually(() -> events(runId), e -> e.contains("final_failure"));
        assertThat(retries(runId)).isEmpty();
        ObjectMapper mapper = new ObjectMapper();
        for (String type : new String[] {"failure_classified", "final_failure"}) {
            JsonNode p = mapper.readTree(jdbc.queryForObject("SELECT payload::text FROM phase4_events WHERE run_id = ? "
                    + "AND event_type = ?", String.class, runId, type));
            assertThat(p.path("category").asText()).isEqualTo("unknown");
            assertThat(p.path("errorLines")).hasSize(2);
            assertThat(p.path("errorLines").get(0).asText())
                    .isEqualTo("Error: Deployment 8812 of environment 'staging' was rejected by protection rule 3");
            assertThat(p.path("errorLines").get(1).asText()).doesNotContain(PAT).contains("[MASKED:");
            JsonNode rule = p.path("suggestedRule");
            assertThat(rule.path("normalised").asText())
                    .isEqualTo("Error: Deployment <n> of environment '<text>' was rejected by protection rule <n>");
            assertThat(Pattern.compile(rule.path("pattern").asText())
                    .matcher("Error: Deployment 9 of environment 'prod' was rejected by protection rule 12").find())
                    .isTrue();
            assertThat(rule.path("keywords").get(0).asText()).isEqualTo("was rejected by protection rule");
        }
    }
}
