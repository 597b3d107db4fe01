package dev.selfheal.routes;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * While the database or GitHub is away, every timer of every route fails on each tick, and Camel logs each failure
 * with its whole stack trace, twice (the error handler, then the timer): a minute's outage buried the console under
 * hundreds of identical traces. This filter lets the first failure of a kind through (kind: the Camel logger and the
 * root cause's class and message) and holds back the same failure from the same logger for {@code window}; the
 * first one after the window comes with a line saying how many were held back. Failures of another kind, and every
 * line without an exception, pass as before.
 */
public final class RepeatedFailureLogFilter extends TurboFilter {

    static final String NAME = "selfheal-repeated-failures";
    private static final int MAX_KINDS = 1_000;

    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    private static final class Seen {
        final long firstNanos;
        final AtomicInteger heldBack = new AtomicInteger();

        Seen(long firstNanos) {
            this.firstNanos = firstNanos;
        }
    }

    public RepeatedFailureLogFilter(Duration window, LongSupplier nanoClock) {
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
        setName(NAME);
    }

    /** Installs the filter in the service's logging once (several contexts in one JVM share one logging). */
    public static void install(Duration window) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext logging)) {
            return;
        }
        synchronized (logging) {
            if (logging.getTurboFilterList().stream().noneMatch(f -> NAME.equals(f.getName()))) {
                RepeatedFailureLogFilter filter = new RepeatedFailureLogFilter(window, System::nanoTime);
                filter.start();
                logging.addTurboFilter(filter);
            }
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        Throwable thrown = t != null ? t : lastThrowable(params);
        if (thrown == null || !level.isGreaterOrEqual(Level.WARN) || !logger.getName().startsWith("org.apache.camel")) {
            return FilterReply.NEUTRAL;
        }
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String kind = logger.getName() + '|' + root.getClass().getName() + '|' + root.getMessage();
        long now = nanoClock.getAsLong();
        Seen before = seen.get(kind);
        if (before != null && now - before.firstNanos < windowNanos) {
            before.heldBack.incrementAndGet();
            return FilterReply.DENY;
        }
        if (seen.size() >= MAX_KINDS) {
            seen.clear();
        }
        seen.put(kind, new Seen(now));
        if (before != null && before.heldBack.get() > 0) {
            // from the logging the held-back lines belong to
            logger.getLoggerContext().getLogger(RepeatedFailureLogFilter.class).warn("{} more failure(s) like the next one ({}: {}) were not logged in the last {} s",
                    before.heldBack.get(), root.getClass().getSimpleName(), root.getMessage(),
                    Duration.ofNanos(windowNanos).toSeconds());
        }
        return FilterReply.NEUTRAL;
    }

    private static Throwable lastThrowable(Object[] params) {
        return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last ? last : null;
    }
}
