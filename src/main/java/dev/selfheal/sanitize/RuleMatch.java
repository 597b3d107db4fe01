package dev.selfheal.sanitize;

/** Receives each accepted match of a rule: the part [start, end) to mask. */
interface RuleMatch {
    void accept(CompiledRule rule, int start, int end);
}
