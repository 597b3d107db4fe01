package dev.selfheal.retry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.detection.RunSummary;
import dev.selfheal.sandbox.GitHubFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real-world failure corpus under {@code src/test/resources/failure-corpus} (format: its README.md): each
 * entry is one failed job as GitHub showed it, with the category and retry decision it should get.
 */
final class FailureCorpus {

    static final Path DIR = Path.of("src/test/resources/failure-corpus");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Entry(String file, String id, List<String> lines, String conclusion, String shownIn, String category,
            boolean retry, String source) {

        @Override
        public String toString() {
            return file + ":" + id;
        }
    }

    private FailureCorpus() {
    }

    static List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                for (JsonNode e : MAPPER.readTree(f.toFile())) {
                    List<String> lines = new ArrayList<>();
                    e.path("lines").forEach(l -> lines.add(l.asText()));
                    entries.add(new Entry(f.getFileName().toString(), e.path("id").asText(), lines,
                            e.path("conclusion").asText("failure"), e.path("shownIn").asText("log"),
                            e.path("category").asText(), e.path("retry").asBoolean(), e.path("source").asText()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /**
     * The entry as one failed job of a run with the entry's conclusion, its lines as that job's log, or, for an
     * entry GitHub showed in an annotation, each line as a job-level failure annotation of its check run.
     */
    static Classification classify(FailureClassifier classifier, Entry entry) {
        RunSummary run = new RunSummary("corpus/" + entry.file(), 1, 1, 7L, "CI", "completed", entry.conclusion(),
                null, null, null, null, null, null, null);
        JsonNode job = MAPPER.createObjectNode().put("name", entry.id()).put("conclusion", entry.conclusion());
        FailureClassifier.Scan scan = classifier.start(run, List.of(job));
        if (entry.shownIn().equals("annotation")) {
            for (String line : entry.lines()) {
                scan.annotation(GitHubFixtures.checkRunAnnotation("corpus/" + entry.file(), "0".repeat(40), "failure",
                        line), entry.id());
            }
            return scan.result();
        }
        try {
            scan.read(new ByteArrayInputStream(String.join("\n", entry.lines()).getBytes(StandardCharsets.UTF_8)),
                    entry.id());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return scan.result();
    }
}
