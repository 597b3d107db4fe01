package dev.selfheal.policy;

import java.nio.file.Path;

/**
 * A policy file that cannot be used. The message names the file, the JSON pointer and the rule broken, so an
 * operator can fix it without reading a stack trace.
 */
public class PolicyFileException extends RuntimeException {

    private final Path file;
    private final String pointer;
    private final String rule;

    public PolicyFileException(Path file, String pointer, String rule, String problem) {
        this(file, pointer, rule, problem, null);
    }

    public PolicyFileException(Path file, String pointer, String rule, String problem, Throwable cause) {
        super(file + " at " + (pointer.isEmpty() ? "/" : pointer) + ": " + problem + " (rule: " + rule + ")", cause);
        this.file = file;
        this.pointer = pointer;
        this.rule = rule;
    }

    public Path file() {
        return file;
    }

    public String pointer() {
        return pointer;
    }

    public String rule() {
        return rule;
    }
}
