package dev.selfheal.github;

/**
 * GitHub could not answer a call (5xx or no answer after every redelivery, or its rate limit says wait), so a
 * step that needs the answer cannot decide anything yet. Thrown by such a step so that its outbox consumer puts
 * the event back with its back-off (a due time, no thread waits) instead of deciding on missing data.
 */
public class GitHubUnavailableException extends RuntimeException {

    public GitHubUnavailableException(String message) {
        super(message);
    }
}
