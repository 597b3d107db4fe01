package dev.selfheal.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.GitHubStandIn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code selfheal classify} in-process: the shipped rules on a log file, a run's logs zip and a run read from a
 * stand-in GitHub (GitHub's JSON shapes, the log behind a 302 fetched without the token); {@code --test} on the
 * repository's corpus and on a wrong one; bad usage. No Spring, Camel or database is started.
 */
class ClassifyCommandTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String TOKEN = "ghp_" + "c".repeat(36);

    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {
    }

    static Outcome classify(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ClassifyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Outcome classify(String... args) {
        return classify(Map.of(), args);
    }

    @Test
    void logFileShowsCategoryRuleEvidenceAndDecision() throws Exception {
        Path log = dir.resolve("build.txt");
        Files.writeString(log, GitHubStandIn.timestamped("Run npm ci\nnpm ERR! code ECONNRESET\n"
                + "##[error]Process completed with exit code 1."));

        Outcome o = classify(log.toString());

        assertThat(o.code()).isZero();
        assertThat(o.out()).containsPattern("category +transient_infrastructure")
                .containsPattern("rule +network-reset")
                .containsPattern("evidence +line 2 of job 'build': npm ERR! code ECONNRESET")
                .containsPattern("decided by +log line, rule network-reset")
                .containsPattern("decision +re-run: network-reset \\(transient_infrastructure, log\\) in build, over "
                        + "step-failed \\(deterministic, catch-all, log\\) in build")
                .contains("step-failed (deterministic, catch-all, log) in build")
                .doesNotContain("2026-11-20T");
    }

    @Test
    void unknownFailureShowsItsErrorLinesAndASuggestedRule() throws Exception {
        Path log = dir.resolve("setup.txt");
        Files.writeString(log, GitHubStandIn.timestamped("Run actions/setup-node@v4\n##[error]Dependencies lock "
                + "file is not found in /home/runner/work/app/app. Supported file patterns: package-lock.json"));

        Outcome o = classify("--json", log.toString());

        assertThat(o.code()).isZero();
        var json = new ObjectMapper().readTree(o.out());
        assertThat(json.path("category").asText()).isEqualTo("unknown");
        assertThat(json.path("decision").asText()).isEqualTo("not re-run");
        assertThat(json.path("errorLines").get(0).asText()).startsWith("##[error]Dependencies lock file");
        assertThat(json.path("suggestedRule").path("pattern").asText())
                .isEqualTo("Dependencies lock file is not found in \\S+\\. Supported file patterns: package-lock\\.json");
    }

    @Test
    void logsZipIsReadJobByJobAndTheDecidingJobNamed() throws Exception {
        Map<String, String> logs = new LinkedHashMap<>();
        logs.put("lint", "Run npm run lint\nAll files pass linting.");
        logs.put("test", GitHubStandIn.TESTS_FAILED);
        logs.put("deploy", GitHubStandIn.RUNNER_LOST);
        Path zip = dir.resolve("logs_42.zip");
        Files.write(zip, GitHubFixtures.logsZip(logs, Instant.parse("2026-11-20T10:00:00Z")));

        Outcome o = classify(zip.toString());

        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("(3 jobs, ").containsPattern("rule +runner-lost")
                .containsPattern("evidence +line 1 of job 'deploy': ##\\[error]The hosted runner: GitHub Actions 3 lost")
                .containsPattern("decision +re-run: runner-lost")
                .contains("step-failed (deterministic, catch-all, log) in test");
    }

    @Test
    void runIsReadFromGitHubAndTheLogRedirectGetsNoToken() {
        new GitHubStandIn(wm).stubAttempt(9101, 2, "failure", GitHubStandIn.TESTS_FAILED);

        Outcome o = classify(Map.of("SELFHEAL_GITHUB_TOKEN", TOKEN, "SELFHEAL_GITHUB_API_URL", wm.baseUrl()),
                GitHubStandIn.REPO, "9101");

        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains(GitHubStandIn.REPO + " run 9101 attempt 2, failure (1 job, 3 lines)")
                .containsPattern("category +deterministic").containsPattern("rule +tests-failed")
                .containsPattern("evidence +line 2 of job 'build': Tests: 2 failed, 40 passed")
                .containsPattern("decided by +log line, rule tests-failed")
                // the steps come with the jobs list (annotations are not read by the command)
                .containsPattern("steps +failed step \\d+ '.+' \\(failure\\); runner ")
                .containsPattern("decision +not re-run");
        wm.verify(getRequestedFor(urlPathEqualTo("/repos/" + GitHubStandIn.REPO + "/actions/runs/9101/attempts/2/jobs"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        wm.verify(getRequestedFor(urlPathEqualTo("/blobs/job-logs/91012")).withHeader("Authorization", absent()));
    }

    @Test
    void gitHubRefusalIsAnInputError() {
        Outcome o = classify(Map.of("SELFHEAL_GITHUB_TOKEN", TOKEN, "SELFHEAL_GITHUB_API_URL", wm.baseUrl()),
                GitHubStandIn.REPO, "404404");

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip()).startsWith("selfheal classify: GitHub answered 404 for run 404404").doesNotContain("\n");
    }

    @Test
    void theRepositorysCorpusPasses() {
        Outcome o = classify("--test", FailureCorpus.DIR.resolve("maven.json").toString());
        Outcome all = classify("--test", FailureCorpus.DIR.toString());

        assertThat(o.code()).isZero();
        assertThat(o.out()).containsPattern("^\\d+ passed, 0 failed\\s*$");
        assertThat(all.code()).isZero();
        assertThat(all.out().strip()).isEqualTo(FailureCorpus.entries().size() + " passed, 0 failed");
    }

    @Test
    void aWrongDecisionFailsTheTest() throws Exception {
        Path corpus = dir.resolve("mine.json");
        Files.writeString(corpus, """
                [
                  {"id": "lost-runner", "lines": ["The hosted runner: GitHub Actions 3 lost communication with the server."],
                   "conclusion": "failure", "shownIn": "log", "category": "transient_infrastructure", "retry": true,
                   "source": "ours"},
                  {"id": "flaky-says-503", "lines": ["npm ERR! 503 Service Unavailable - GET https://registry.npmjs.org/left-pad"],
                   "conclusion": "failure", "shownIn": "log", "category": "deterministic", "retry": false,
                   "source": "ours"}
                ]
                """);

        Outcome o = classify("--test", corpus.toString());

        assertThat(o.code()).isEqualTo(1);
        assertThat(o.out().lines().toList()).hasSize(2);
        assertThat(o.out()).contains("FAIL mine.json:flaky-says-503: expected deterministic (not re-run), got "
                + "transient_infrastructure (re-run)").endsWith("1 passed, 1 failed" + System.lineSeparator());
    }

    @Test
    void badUsageIsExitTwoWithOneLine() throws Exception {
        Path notCorpus = dir.resolve("x.json");
        Files.writeString(notCorpus, "{\"id\": 1}");
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, "{\"version\": 1}");
        for (List<String> args : List.<List<String>>of(List.of(), List.of("--bogus", "x"), List.of(dir.resolve("nope.txt").toString()),
                List.of("--policy"), List.of("not a repo", "12"), List.of(GitHubStandIn.REPO, "abc"),
                List.of(GitHubStandIn.REPO, "12"), List.of("--test", notCorpus.toString()),
                List.of("--policy", policy.toString(), notCorpus.toString()))) {
            Outcome o = classify(args.toArray(String[]::new));

            assertThat(o.code()).as("%s", args).isEqualTo(2);
            assertThat(o.out()).as("%s", args).isEmpty();
            assertThat(o.err().strip()).as("%s", args).startsWith("selfheal classify: ").doesNotContain("\n");
        }
    }

    @Test
    void ownPolicyFileIsUsed() throws Exception {
        Path config = dir.resolve("config");
        Files.createDirectories(config);
        Files.copy(Path.of("config/phase4-mask-rules.json"), config.resolve("phase4-mask-rules.json"));
        String policy = Files.readString(Path.of("config/phase4-retry-policy.json"))
                .replace("\"classification\": [", "\"classification\": [\n    {\"id\": \"lock-file-missing\", "
                        + "\"category\": \"configuration\", \"keywords\": [\"lock file is not found\"], "
                        + "\"pattern\": \"Dependencies lock file is not found in\"},");
        Files.writeString(config.resolve("phase4-retry-policy.json"), policy);
        Path log = dir.resolve("setup.txt");
        Files.writeString(log, "##[error]Dependencies lock file is not found in /home/runner/work/app/app.\n");

        Outcome viaEnv = classify(Map.of("SELFHEAL_CONFIG_DIR", config.toString()), log.toString());
        Outcome viaOption = classify("--policy", config.resolve("phase4-retry-policy.json").toString(), log.toString());

        assertThat(viaEnv.code()).as(viaEnv.err()).isZero();
        assertThat(viaEnv.out()).containsPattern("rule +lock-file-missing").containsPattern("category +configuration");
        assertThat(viaOption.out()).containsPattern("rule +lock-file-missing");
    }
}
