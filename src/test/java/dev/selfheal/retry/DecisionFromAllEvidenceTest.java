package dev.selfheal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.sandbox.GitHubFixtures;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failed job is decided from all its evidence: a specific signal (5xx, network, runner, test summary) wins over
 * a catch-all such as "failed with exit code", whatever line comes first, and the decision says what was seen.
 */
class DecisionFromAllEvidenceTest {

    // actions/checkout as in P3TERX/Actions-OpenWrt#313: the server answered 500, git exited 128
    static final String CHECKOUT_500 = """
            Fetching the repository
            The process '/usr/bin/git' failed with exit code 128
            remote: Internal Server Error.
            Error: fatal: unable to access 'https://github.com/o/r/': The requested URL returned error: 500
            Error: The process '/usr/bin/git' failed with exit code 128
            """;

    static Classification classify(String log) throws Exception {
        FailureClassifier.Scan scan = FailureClassificationTest.CLASSIFIER.start(FailureClassificationTest.run("failure"),
                List.of());
        scan.read(new ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8)), "checkout");
        return scan.result();
    }

    @Test
    void serverErrorWinsOverTheFailedStepThatFollowsIt() throws Exception {
        Classification c = classify(CHECKOUT_500);

        assertThat(c.category()).isEqualTo("transient_infrastructure");
        assertThat(c.retryable()).isTrue();
        assertThat(c.ruleId()).isEqualTo("upstream-5xx");
        assertThat(c.matchedLine()).isEqualTo("remote: Internal Server Error.");
        assertThat(c.signals()).extracting(Classification.Signal::ruleId).containsExactly("upstream-5xx", "step-failed");
        assertThat(c.decision()).isEqualTo("upstream-5xx (transient_infrastructure, log) in checkout, "
                + "over step-failed (deterministic, catch-all, log) in checkout");
        assertThat(c.evidence()).isEqualTo("log line, rule upstream-5xx");
        assertThat(c.payload()).containsEntry("decision", c.decision()).containsKey("signals");
    }

    @Test
    void actionDownloadAnswered503IsTransient() throws Exception {
        Classification c = classify("""
                Download action repository 'actions/checkout@v4'
                Warning: Failed to download action 'https://api.github.com/repos/actions/checkout/tarball/v4'. \
                Error: Response status code does not indicate success: 503 (Service Unavailable).
                Error: Response status code does not indicate success: 503 (Service Unavailable).
                """);

        assertThat(c.ruleId()).isEqualTo("upstream-5xx");
        assertThat(c.retryable()).isTrue();
    }

    @Test
    void catchAllDecidesWhenNothingSpecificWasSeen() throws Exception {
        Classification c = classify("""
                The process '/usr/bin/git' failed with exit code 1
                Error: The process '/usr/bin/git' failed with exit code 1
                """);

        assertThat(c.ruleId()).isEqualTo("step-failed");
        assertThat(c.category()).isEqualTo("deterministic");
        assertThat(c.retryable()).isFalse();
    }

    @Test
    void anAssertionAbout503IsATestFailureNotAServerError() throws Exception {
        Classification c = classify("""
                AssertionError: expected promise to be rejected with 'status not 200 but 404' but got \
                'status not 200 but 503 Service Unavailable'
                """);

        assertThat(c.ruleId()).isEqualTo("assertion-failed");
        assertThat(c.retryable()).isFalse();
        assertThat(c.signals()).extracting(Classification.Signal::ruleId).contains("upstream-5xx");
    }

    @Test
    void aSpecificSignalInOneJobOutranksACatchAllInAnother() throws Exception {
        FailureClassifier.Scan scan = FailureClassificationTest.CLASSIFIER.start(FailureClassificationTest.run("failure"),
                List.of());
        scan.line("Error: Process completed with exit code 1.", "lint");
        scan.line("npm ERR! code ECONNRESET", "build");

        Classification c = scan.result();

        assertThat(c.ruleId()).isEqualTo("network-reset");
        assertThat(c.matchedJob()).isEqualTo("build");
    }

    // actions/runner-images#11858 (failure corpus runner-canceled-with-shutdown-annotation), as annotations
    static final String SHUTDOWN = "The runner has received a shutdown signal. This can happen when the runner "
            + "service is stopped, or a manually started runner is canceled.";

    static JsonNode job(String... stepThenConclusion) {
        ObjectNode job = GitHubFixtures.workflowJob("https://api.github.com", "o/r", 1, 1, 11, "build", "failure",
                java.time.Instant.parse("2026-11-20T10:00:00Z"), java.time.Instant.parse("2026-11-20T10:05:00Z"));
        job.set("steps", GitHubFixtures.steps(java.time.Instant.parse("2026-11-20T10:00:00Z"), stepThenConclusion));
        return job;
    }

    /** A scan of job "build": one annotation of this level and text, then these steps (none = not read). */
    static FailureClassifier.Scan annotated(String level, String message, String... steps) {
        FailureClassifier.Scan scan = FailureClassificationTest.CLASSIFIER.start(FailureClassificationTest.run("failure"),
                List.of());
        scan.annotation(GitHubFixtures.checkRunAnnotation("o/r", "0".repeat(40), level, message), "build");
        if (steps.length > 0) {
            scan.steps(job(steps), "build");
        }
        return scan;
    }

    @Test
    void anAnnotationOutranksTheLogAndTheLogIsNotNeeded() {
        FailureClassifier.Scan scan = annotated("failure", SHUTDOWN, "Set up job", "success", "Run npm test", "failure");

        assertThat(scan.logNeeded("build")).isFalse();
        scan.line("Tests: 2 failed, 40 passed", "build");
        Classification c = scan.result();

        assertThat(c.ruleId()).isEqualTo("runner-lost");
        assertThat(c.source()).isEqualTo("annotation");
        assertThat(c.evidence()).isEqualTo("annotation, rule runner-lost");
        assertThat(c.steps()).isEqualTo("failed step 2 'Run npm test' (failure); runner GitHub Actions 5");
    }

    @Test
    void aWarningAnnotationIsNotEvidence() {
        FailureClassifier.Scan scan = annotated("warning",
                "Failed to save: Unable to reserve cache, 503 Service Unavailable");

        assertThat(scan.logNeeded("build")).isTrue();
        assertThat(scan.result().ruleId()).isNull();
    }

    @Test
    void noUserStepRanWithAJobLevelFailureAnnotationIsInfrastructureWithoutALog() {
        // an annotation no specific rule knows: only the catch-all matches it
        FailureClassifier.Scan scan = annotated("failure", "Process completed with exit code 1.",
                "Set up job", "success", "Run actions/checkout@v4", null, "Complete job", null);

        Classification c = scan.result();

        assertThat(scan.logNeeded("build")).isFalse();
        assertThat(c.ruleId()).isEqualTo("no-user-step-ran");
        assertThat(c.category()).isEqualTo("transient_infrastructure");
        assertThat(c.evidence()).isEqualTo("step, rule no-user-step-ran");
        assertThat(c.decision()).contains("over step-failed (deterministic, catch-all, annotation) in build");
    }

    @Test
    void exitCodeAnnotationOfAFailedTestStepStaysDeterministic() {
        FailureClassifier.Scan scan = annotated("failure", "Process completed with exit code 1.",
                "Set up job", "success", "Run actions/checkout@v4", "success", "Run npm test", "failure");

        assertThat(scan.logNeeded("build")).as("a catch-all: the log may still say something specific").isTrue();
        Classification c = scan.result();
        assertThat(c.ruleId()).isEqualTo("step-failed");
        assertThat(c.retryable()).isFalse();
        assertThat(c.evidence()).isEqualTo("annotation, rule step-failed");
        assertThat(c.steps()).startsWith("failed step 3 'Run npm test' (failure)");
    }
}
