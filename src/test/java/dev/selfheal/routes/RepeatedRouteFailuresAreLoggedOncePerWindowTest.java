package dev.selfheal.routes;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A database outage as Camel logs it (every tick of every timer: the error handler's ERROR with the whole stack,
 * then the timer's WARN): within the window only the first of each logger and cause reaches the log; another
 * cause, a line without an exception and a line of our own pass; after the window the same failure is logged again
 * with how many were held back.
 */
class RepeatedRouteFailuresAreLoggedOncePerWindowTest {

    @Test
    void theSameFailureIsLoggedOncePerWindowWithACountAfterwards() {
        LoggerContext logging = new LoggerContext();
        AtomicLong now = new AtomicLong();
        RepeatedFailureLogFilter filter = new RepeatedFailureLogFilter(Duration.ofSeconds(60), now::get);
        filter.start();
        logging.addTurboFilter(filter);
        ListAppender<ILoggingEvent> console = new ListAppender<>();
        console.setContext(logging);
        console.start();
        Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(console);
        root.setLevel(Level.INFO);
        Logger errorHandler = logging.getLogger("org.apache.camel.processor.errorhandler.DefaultErrorHandler");
        Logger timer = logging.getLogger("org.apache.camel.component.timer.TimerConsumer");
        Logger ours = logging.getLogger("dev.selfheal.retry.RetryDispatcher");

        RuntimeException outage = new RuntimeException("PreparedStatementCallback; SQL [UPDATE ...]",
                new ConnectException("Connection refused"));
        for (int tick = 0; tick < 30; tick++) {
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            errorHandler.error("Failed delivery for (MessageId: " + tick + "). Exhausted after delivery attempt: 1",
                    outage);
            timer.warn("Error processing exchange. Exchange[" + tick + "]. Caused by: [" + outage + "]", outage);
            ours.warn("run o/r#" + tick + " re-run kept for the database", outage);
        }
        assertThat(console.list).filteredOn(e -> e.getLoggerName().equals(errorHandler.getName())).hasSize(1);
        assertThat(console.list).filteredOn(e -> e.getLoggerName().equals(timer.getName())).hasSize(1);
        assertThat(console.list).as("our own lines are never held back")
                .filteredOn(e -> e.getLoggerName().equals(ours.getName())).hasSize(30);

        errorHandler.error("Failed delivery", new IllegalStateException("a bug"));
        errorHandler.info("route started");
        assertThat(console.list).filteredOn(e -> e.getLoggerName().equals(errorHandler.getName())).hasSize(3);

        now.addAndGet(Duration.ofSeconds(61).toNanos());
        console.list.clear();
        errorHandler.error("Failed delivery for (MessageId: 99)", outage);
        assertThat(console.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "29 more failure(s) like the next one (ConnectException: Connection refused) were not logged in the "
                        + "last 60 s", "Failed delivery for (MessageId: 99)");
    }
}
