package dev.selfheal.policy;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a broken policy file at start-up into Spring Boot's one-paragraph failure report. */
public class PolicyFailureAnalyzer extends AbstractFailureAnalyzer<PolicyFileException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PolicyFileException cause) {
        return new FailureAnalysis(
                "Selfheal cannot start: invalid policy file " + cause.getMessage(),
                "Fix " + cause.file() + " (its JSON Schema is schemas/" + cause.file().getFileName()
                        .toString().replace(".json", ".schema.json")
                        + " in the jar), or restore it from git, then start again.",
                cause);
    }
}
