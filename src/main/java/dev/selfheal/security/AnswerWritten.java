package dev.selfheal.security;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/**
 * An {@link AsyncListener} that runs one action when an asynchronous request's answer has been written: the servlet
 * container calls {@code onComplete} after a time-out or an error too, so that is the one place to count an
 * answer or release what the request held.
 */
public record AnswerWritten(Runnable action) implements AsyncListener {

    @Override
    public void onComplete(AsyncEvent event) {
        action.run();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
    }

    @Override
    public void onError(AsyncEvent event) {
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
