package dev.selfheal.routes;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Puts {@link RepeatedFailureLogFilter} in place at start ({@code selfheal.logging.repeated-failure-window}). */
@Component
public class RepeatedFailureLogging {

    public RepeatedFailureLogging(@Value("${selfheal.logging.repeated-failure-window:60s}") Duration window) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("selfheal.logging.repeated-failure-window must not be negative, was "
                    + window);
        }
        if (!window.isZero()) {
            RepeatedFailureLogFilter.install(window);
        }
    }
}
