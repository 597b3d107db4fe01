package dev.selfheal.github;

/** GitHub's answer pointed a download at a host that is not one of GitHub's storage hosts: not followed. */
public class UntrustedHostException extends RuntimeException {

    public UntrustedHostException(String message) {
        super(message);
    }
}
