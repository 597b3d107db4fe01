package dev.selfheal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.detection.RunSummary;
import dev.selfheal.policy.PolicyFiles;
import dev.selfheal.sanitize.Sanitizer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped classification rules (config/phase4-retry-policy.json) on real-looking log lines: the first rule
 * in the file that matches wins, the matched line is kept (sanitized, without GitHub's timestamp), and the
 * category decides retry or not.
 */
class FailureClassificationTest {

    static final SelfhealProperties PROPERTIES = new SelfhealProperties(
            new SelfhealProperties.GitHub(java.net.URI.create("https://api.github.com"), "ghp_" + "a".repeat(36),
                    List.of(), null),
            new SelfhealProperties.Slack(null), new SelfhealProperties.Scheduling(List.of()), Path.of("data"),
            Path.of("config"), Path.of("routes"));
    static final PolicyFiles POLICIES = new PolicyFiles(PROPERTIES);
    static final FailureClassifier CLASSIFIER = new FailureClassifier(POLICIES,
            new Sanitizer(POLICIES.maskRules(), List.of(PROPERTIES.github().token())));

    static RunSummary run(String conclusion) {
        return new RunSummary("o/r", 1, 1, 7L, "CI", "completed", conclusion, null, null, null, null, null, null,
                null, null);
    }

    static Classification classify(String conclusion, String log) throws Exception {
        FailureClassifier.Scan scan = CLASSIFIER.start(run(conclusion), List.of());
        scan.read(new ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8)), "build");
        return scan.result();
    }

    @ParameterizedTest(name = "{1} <- {0}")
    @CsvSource(delimiter = '|', value = {
            "The self-hosted runner: runner-7 lost communication with the server.|transient_infrastructure|true",
            "npm ERR! code ECONNRESET|transient_infrastructure|true",
            "Error: getaddrinfo EAI_AGAIN registry.npmjs.org|transient_infrastructure|true",
            "Error response from daemon: received unexpected HTTP status: 502 Bad Gateway|transient_infrastructure|true",
            "Could not resolve host: github.com|transient_infrastructure|true",
            "API rate limit exceeded for 10.0.0.1.|rate_limit|true",
            "Error: Input required and not supplied: token|missing_secret|false",
            "##[error]Invalid workflow file: .github/workflows/ci.yml#L12|configuration|false",
            "HttpError: Resource not accessible by integration|permission|false",
            "Error: Unable to resolve action `actions/chekout@v4`, repository not found|not_found|false",
            "[ERROR] Tests run: 12, Failures: 2|deterministic|false",
            "Everything printed was fine and then it stopped|unknown|false"})
    void lineIsClassified(String line, String category, boolean retryable) throws Exception {
        Classification c = classify("failure", "Run actions/checkout@v4\n" + line + "\nCleaning up\n");

        assertThat(c.category()).isEqualTo(category);
        assertThat(c.retryable()).isEqualTo(retryable);
        if (!category.equals("unknown")) {
            assertThat(c.matchedLine()).isEqualTo(line.strip());
        }
    }

    @Test
    void firstRuleInTheFileWinsNotTheFirstLine() throws Exception {
        // the deterministic line comes first in the log, the runner loss later: the earlier rule wins
        Classification c = classify("failure", "Tests: 2 failed\n2026-11-20T10:00:00.0000000Z The hosted runner: "
                + "GitHub Actions 9 lost communication with the server.\n");

        assertThat(c.category()).isEqualTo("transient_infrastructure");
        assertThat(c.ruleId()).isEqualTo("runner-lost");
        assertThat(c.matchedLine()).startsWith("The hosted runner").doesNotContain("2026-11-20T");
    }

    @Test
    void timedOutConclusionIsATimeoutWithoutReadingLogs() throws Exception {
        Classification c = classify("timed_out", "");

        assertThat(c.category()).isEqualTo("timeout");
        assertThat(c.retryable()).isTrue();
        assertThat(c.matchedLine()).isEqualTo("conclusion: timed_out");
    }

    @Test
    void matchedLineIsSanitized() throws Exception {
        String token = "ghp_" + "b".repeat(36);
        Classification c = classify("failure", "curl -H 'Authorization: token " + token + "' failed: ECONNRESET\n");

        assertThat(c.category()).isEqualTo("transient_infrastructure");
        assertThat(c.matchedLine()).doesNotContain(token).contains("[MASKED:");
    }

    @Test
    void failedJobConclusionCountsToo() throws Exception {
        JsonNode job = new ObjectMapper().readTree("{\"name\":\"deploy\",\"conclusion\":\"timed_out\"}");
        FailureClassifier.Scan scan = CLASSIFIER.start(run("failure"), List.of(job));

        assertThat(scan.result().category()).isEqualTo("timeout");
        assertThat(scan.result().matchedJob()).isEqualTo("deploy");
    }
}
