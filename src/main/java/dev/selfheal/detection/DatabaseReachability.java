package dev.selfheal.detection;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Whether the database answers within {@code selfheal.webhook.database-timeout} (2 s): the webhook asks before
 * handing a run on, so during an outage GitHub gets a fast 503 instead of waiting out the pool's 10 s connection
 * timeout (GitHub gives up after 10 s and records a time-out). The answer is kept for a moment (up 2 s, down
 * 1 s) so a burst of deliveries costs one check.
 */
@Component
public class DatabaseReachability {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseReachability.class);
    private static final long UP_FOR = Duration.ofSeconds(2).toNanos();
    private static final long DOWN_FOR = Duration.ofSeconds(1).toNanos();

    private final DataSource dataSource;
    private final int timeoutSeconds;
    private volatile boolean up = true;
    private volatile long checkedAt = Long.MIN_VALUE;
    private final AtomicBoolean checking = new AtomicBoolean();

    public DatabaseReachability(DataSource dataSource, WebhookProperties properties) {
        this.dataSource = dataSource;
        this.timeoutSeconds = (int) Math.max(1, properties.databaseTimeout().toSeconds());
    }

    public boolean reachable() {
        long now = System.nanoTime();
        if (checkedAt != Long.MIN_VALUE && now - checkedAt < (up ? UP_FOR : DOWN_FOR)) {
            return up;
        }
        // one delivery checks; the others meanwhile go by the last answer instead of queueing behind the check
        // (a new connection can take a while on a busy server: a burst must not wait for it in line)
        if (checkedAt != Long.MIN_VALUE && !checking.compareAndSet(false, true)) {
            return up;
        }
        synchronized (this) {
            try {
                if (checkedAt != Long.MIN_VALUE && System.nanoTime() - checkedAt < (up ? UP_FOR : DOWN_FOR)) {
                    return up;
                }
                boolean was = up;
                up = check();
                checkedAt = System.nanoTime();
                if (was != up) {
                    LOG.warn(up ? "Database reachable again: webhook deliveries are accepted"
                            : "Database not reachable within {} s: webhook deliveries get 503 until it is back",
                            timeoutSeconds);
                }
                return up;
            } finally {
                checking.set(false);
            }
        }
    }

    private boolean check() {
        if (!(dataSource instanceof HikariDataSource hikari)) {
            return true; // no way to open a connection with our own short time-out: let the pool decide
        }
        Properties props = new Properties();
        if (hikari.getUsername() != null) {
            props.setProperty("user", hikari.getUsername());
        }
        if (hikari.getPassword() != null) {
            props.setProperty("password", hikari.getPassword());
        }
        String seconds = String.valueOf(timeoutSeconds);
        props.setProperty("connectTimeout", seconds);
        props.setProperty("loginTimeout", seconds);
        props.setProperty("socketTimeout", seconds);
        try (Connection c = new org.postgresql.Driver().connect(hikari.getJdbcUrl(), props)) {
            return c != null && c.isValid(timeoutSeconds);
        } catch (SQLException e) {
            return false;
        }
    }
}
