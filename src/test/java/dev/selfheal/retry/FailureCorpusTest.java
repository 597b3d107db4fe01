package dev.selfheal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped policy (config/phase4-retry-policy.json) on the real-world failure corpus: every entry gets its
 * retry decision, and the bar holds (no deterministic failure re-run, at least 97 % of transient ones re-run).
 * Writes the confusion matrix and per-category table to target/failure-corpus-report.md (docs/BENCHMARKS.md).
 */
class FailureCorpusTest {

    static final FailureClassifier CLASSIFIER = FailureClassificationTest.CLASSIFIER;
    static final Path REPORT = Path.of("target/failure-corpus-report.md");

    static List<CorpusEntry> entries() {
        return FailureCorpus.entries();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void entryGetsItsCategoryAndRetryDecision(CorpusEntry entry) {
        Classification c = FailureCorpus.classify(CLASSIFIER, entry);

        assertThat(c.retryable()).as("%s decided by %s", entry, c.decision()).isEqualTo(entry.retry());
        assertThat(c.category()).as("%s decided by %s", entry, c.decision()).isEqualTo(entry.category());
    }

    @Test
    void corpusIsLargeBalancedAndSourced() {
        List<CorpusEntry> entries = entries();
        long retried = entries.stream().filter(CorpusEntry::retry).count();

        assertThat(entries).hasSizeGreaterThanOrEqualTo(200);
        assertThat(entries).extracting(CorpusEntry::id).doesNotHaveDuplicates();
        assertThat(retried).isBetween(entries.size() * 2L / 5, entries.size() * 3L / 5);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.source()).isNotBlank();
            assertThat(e.lines()).isNotEmpty();
            assertThat(e.shownIn()).isIn("log", "annotation", "step");
            assertThat(FailureClassificationTest.POLICIES.retryPolicy().categories()).containsKey(e.category());
            assertThat(e.retry()).as("%s: retry agrees with its category", e)
                    .isEqualTo(FailureClassificationTest.POLICIES.retryPolicy().isRetryable(e.category()));
        });
    }

    @Test
    void shippedPolicyMeetsTheBar() throws IOException {
        int[][] matrix = new int[2][2];
        Map<String, int[]> byCategory = new TreeMap<>();
        StringBuilder misses = new StringBuilder();
        for (CorpusEntry e : entries()) {
            Classification c = FailureCorpus.classify(CLASSIFIER, e);
            matrix[e.retry() ? 1 : 0][c.retryable() ? 1 : 0]++;
            int[] row = byCategory.computeIfAbsent(e.category(), k -> new int[3]);
            row[0]++;
            row[1] += c.category().equals(e.category()) ? 1 : 0;
            row[2] += c.retryable() == e.retry() ? 1 : 0;
            if (!c.category().equals(e.category())) {
                misses.append("| ").append(e).append(" | ").append(e.category()).append(" | ").append(c.category())
                        .append(" (").append(c.ruleId()).append(") |\n");
            }
        }
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, report(matrix, byCategory, misses.toString()));

        int transientTotal = matrix[1][0] + matrix[1][1];
        assertThat(matrix[0][1]).as("deterministic failures re-run").isZero();
        assertThat(matrix[1][1] * 100.0 / transientTotal).as("transient failures re-run, %").isGreaterThanOrEqualTo(97.0);
    }

    private static String report(int[][] m, Map<String, int[]> byCategory, String misses) {
        int total = m[0][0] + m[0][1] + m[1][0] + m[1][1];
        String table = byCategory.entrySet().stream()
                .map(e -> "| " + e.getKey() + " | " + e.getValue()[0] + " | " + e.getValue()[1] + " | "
                        + e.getValue()[2] + " |")
                .collect(Collectors.joining("\n"));
        return "| expected \\ decided | re-run | not re-run |\n|---|---|---|\n"
                + "| should be re-run (transient) | **" + m[1][1] + "** | " + m[1][0] + " |\n"
                + "| should not be re-run | " + m[0][1] + " | **" + m[0][0] + "** |\n\n"
                + String.format("%d entries; transient re-run %.1f %%, deterministic re-run %d.%n%n", total,
                        m[1][1] * 100.0 / (m[1][0] + m[1][1]), m[0][1])
                + "| expected category | entries | category right | decision right |\n|---|---|---|---|\n" + table
                + "\n" + (misses.isEmpty() ? "" : "\n| entry | expected category | got (rule) |\n|---|---|---|\n" + misses);
    }
}
