package dev.selfheal.retry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.detection.RunSummary;
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
 * One entry of a failure corpus (format: src/test/resources/failure-corpus/README.md): one failed job as GitHub
 * showed it, with the category and retry decision it should get. Read by the repository's corpus tests and by
 * {@code selfheal classify --test}, so operators can keep corpora of their own in the same format.
 */
public record CorpusEntry(String file, String id, List<String> lines, String conclusion, String shownIn,
        String category, boolean retry, String source) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String toString() {
        return file + ":" + id;
    }

    /**
     * The entries of one corpus file (a JSON array), or of every {@code *.json} file of a directory, in name order.
     *
     * @throws IllegalArgumentException naming the file and entry when it is not in the corpus format
     */
    public static List<CorpusEntry> read(Path fileOrDirectory) throws IOException {
        List<Path> files;
        if (Files.isDirectory(fileOrDirectory)) {
            try (Stream<Path> list = Files.list(fileOrDirectory)) {
                files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            }
        } else {
            files = List.of(fileOrDirectory);
        }
        List<CorpusEntry> entries = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            JsonNode array = MAPPER.readTree(f.toFile());
            if (array == null || !array.isArray()) {
                throw new IllegalArgumentException(name + " is not a JSON array of corpus entries");
            }
            int n = 0;
            for (JsonNode e : array) {
                String at = name + " entry " + n++;
                if (!e.path("id").isTextual() || !e.path("lines").isArray() || !e.path("category").isTextual()
                        || !e.path("retry").isBoolean()) {
                    throw new IllegalArgumentException(at + " needs id (string), lines (array), category (string) "
                            + "and retry (boolean)");
                }
                List<String> lines = new ArrayList<>();
                e.path("lines").forEach(l -> lines.add(l.asText()));
                entries.add(new CorpusEntry(name, e.path("id").asText(), lines, e.path("conclusion").asText("failure"),
                        e.path("shownIn").asText("log"), e.path("category").asText(), e.path("retry").asBoolean(),
                        e.path("source").asText()));
            }
        }
        return entries;
    }

    /** The entries of one file or directory; unchecked, for tests. */
    public static List<CorpusEntry> readAll(Path fileOrDirectory) {
        try {
            return read(fileOrDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The entry as one failed job of a run with the entry's conclusion, its lines as that job's log, or, for an
     * entry GitHub showed in an annotation ({@code shownIn: annotation}), each line as a job-level failure
     * annotation of its check run (path {@code .github}, as GitHub Actions writes them).
     */
    public Classification classify(FailureClassifier classifier) {
        RunSummary run = new RunSummary("corpus/" + file, 1, 1, 7L, "CI", "completed", conclusion, null, null, null,
                null, null, null, null, null);
        JsonNode job = MAPPER.createObjectNode().put("name", id).put("conclusion", conclusion);
        FailureClassifier.Scan scan = classifier.start(run, List.of(job));
        if ("annotation".equals(shownIn)) {
            for (String line : lines) {
                scan.annotation(MAPPER.createObjectNode().put("path", ".github").put("annotation_level", "failure")
                        .put("title", "").put("message", line), id);
            }
            return scan.result();
        }
        try {
            scan.read(new ByteArrayInputStream(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)), id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return scan.result();
    }
}
