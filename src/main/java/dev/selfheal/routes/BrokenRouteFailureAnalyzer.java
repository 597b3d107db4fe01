package dev.selfheal.routes;

import org.apache.camel.spring.boot.CamelSpringBootInitializationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A YAML route that cannot be parsed or built at start-up: one paragraph with the file, line, column and what
 * the parser expected, instead of a stack trace.
 */
public class BrokenRouteFailureAnalyzer extends AbstractFailureAnalyzer<CamelSpringBootInitializationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, CamelSpringBootInitializationException cause) {
        // the deepest cause names the position ("in file:..., line 8, column 10: ... expected ...")
        Throwable deepest = cause;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String message = String.valueOf(deepest.getMessage()).strip();
        if (!message.contains(".yaml")) {
            message = cause.getMessage() + "\n" + message;
        }
        return new FailureAnalysis("Selfheal cannot start: a route file is broken.\n" + message,
                "Fix the file under selfheal.routes-dir (or restore it from git), then start again. While the "
                        + "service runs, a broken edit is refused and the running routes are kept.",
                cause);
    }
}
