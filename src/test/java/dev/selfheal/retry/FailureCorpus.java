package dev.selfheal.retry;

import java.nio.file.Path;
import java.util.List;

/**
 * The real-world failure corpus under {@code src/test/resources/failure-corpus} (format: its README.md): each
 * entry is one failed job as GitHub showed it, with the category and retry decision it should get.
 */
final class FailureCorpus {

    static final Path DIR = Path.of("src/test/resources/failure-corpus");

    private FailureCorpus() {
    }

    static List<CorpusEntry> entries() {
        return CorpusEntry.readAll(DIR);
    }

    /**
     * The entry as one failed job of a run with the entry's conclusion, its lines as that job's log, or, for an
     * entry GitHub showed in an annotation, each line as a job-level failure annotation of its check run.
     */
    static Classification classify(FailureClassifier classifier, CorpusEntry entry) {
        return entry.classify(classifier);
    }
}
