package dev.selfheal.github;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * Counts the GitHub writes (every method but GET) that route github-call actually sends, as the last step before
 * the HTTP call. A write carries the permit the write gate gave it ({@link GitHubApi#WRITE_PERMIT}): {@code action}
 * (nothing stopped), {@code killswitch} (the switch's own cancel of a re-run) or {@code notification} (an issue
 * or comment). The last action write, or one with no permit at all (the gate bypassed), is what the kill
 * switch's verification compares with the time it engaged.
 */
@Component
public class GitHubWrites {

    /** One write sent: when, what, the gate's permit (null: none) and when the gate gave it (null: none). */
    public record Write(Instant at, String method, String path, String permit, Instant permittedAt) {
    }

    public static final String ACTION = "action";
    public static final String KILLSWITCH = "killswitch";
    public static final String NOTIFICATION = "notification";
    /** A GitHub App's installation-token request: authentication, not a change to any repository. */
    public static final String AUTHENTICATION = "authentication";

    private final AtomicLong sent = new AtomicLong();
    private final AtomicReference<Write> last = new AtomicReference<>();
    private final AtomicReference<Write> lastAction = new AtomicReference<>();

    void sent(String method, String path, String permit, Instant permittedAt) {
        Write w = new Write(Instant.now(), method, path, permit, permittedAt);
        sent.incrementAndGet();
        last.set(w);
        if (permit == null || permit.isBlank() || ACTION.equals(permit)) {
            lastAction.set(w);
        }
    }

    /** Writes sent since the start. */
    public long count() {
        return sent.get();
    }

    public Write last() {
        return last.get();
    }

    /** The last action write (permit {@code action} or none), or null. */
    public Write lastAction() {
        return lastAction.get();
    }
}
