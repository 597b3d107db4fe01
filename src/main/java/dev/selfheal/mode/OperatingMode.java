package dev.selfheal.mode;

import dev.selfheal.reports.ReportLog;
import dev.selfheal.sanitize.Sanitizer;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code selfheal.mode}: {@code act} (the default) or {@code observe}. In observe mode Selfheal classifies,
 * records, notifies and writes evidence as in act, but the write gate of route github-call sends no GitHub write:
 * each one is recorded as what it would have done ("would re-run", "would roll back") and counted. The mode starts
 * from the configuration (a bad value stops the start naming the property) and can be switched at runtime through
 * {@link #set} (the MBean dev.selfheal:type=OperatingMode, the API); every change is a row of phase4_mode_log.
 */
@Component("operatingMode")
@DependsOnDatabaseInitialization
public class OperatingMode {

    public static final String OBSERVE = "observe";
    public static final String ACT = "act";
    public static final Set<String> SOURCES = Set.of("mbean", "api");

    private final JdbcTemplate jdbc;
    private final ReportLog reportLog;
    private final Sanitizer sanitizer;
    private volatile String mode;
    private final java.util.concurrent.atomic.AtomicLong withheld = new java.util.concurrent.atomic.AtomicLong();

    public OperatingMode(@Value("${selfheal.mode:act}") String configured, JdbcTemplate jdbc, ReportLog reportLog,
            Sanitizer sanitizer) {
        String start = configured == null ? ACT : configured.strip().toLowerCase(java.util.Locale.ROOT);
        if (!start.equals(ACT) && !start.equals(OBSERVE)) {
            throw new IllegalArgumentException("selfheal.mode must be 'observe' or 'act', was '" + configured + "'");
        }
        this.jdbc = jdbc;
        this.reportLog = reportLog;
        this.sanitizer = sanitizer;
        List<String> last = jdbc.queryForList("SELECT mode FROM phase4_mode_log ORDER BY id DESC LIMIT 1", String.class);
        String previous = last.isEmpty() ? null : last.get(0);
        this.mode = start;
        if (!start.equals(previous)) {
            jdbc.update("INSERT INTO phase4_mode_log (mode, previous_mode, source, actor, reason) VALUES (?, ?, "
                    + "'config', 'selfheal.mode', 'configured at start-up')", start, previous);
        }
        reportLog.append("observe", "Selfheal starts in " + start + " mode" + (start.equals(OBSERVE)
                ? ": no GitHub write is sent; each is recorded as what it would have done" : ""));
    }

    public String current() {
        return mode;
    }

    public boolean observe() {
        return OBSERVE.equals(mode);
    }

    /** Switches the mode (refused: an unknown mode, a blank reason or actor); returns the previous mode. */
    public synchronized String set(String newMode, String reason, String actor, String source) {
        String m = newMode == null ? "" : newMode.strip().toLowerCase(java.util.Locale.ROOT);
        if (!m.equals(ACT) && !m.equals(OBSERVE)) {
            throw new IllegalArgumentException("mode must be 'observe' or 'act', was '" + newMode + "'");
        }
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw new IllegalArgumentException("a mode change needs a reason of at most 500 characters");
        }
        if (actor == null || actor.isBlank() || !SOURCES.contains(source)) {
            throw new IllegalArgumentException("a mode change needs an actor and a source (mbean or api)");
        }
        String previous = mode;
        String why = sanitizer.sanitize(reason.strip());
        jdbc.update("INSERT INTO phase4_mode_log (mode, previous_mode, source, actor, reason) VALUES (?, ?, ?, ?, ?)",
                m, previous, source, sanitizer.sanitize(actor.strip()), why);
        mode = m;
        reportLog.append("observe", "mode " + previous + " -> " + m + " by " + actor.strip() + " (" + source + "): "
                + why);
        return previous;
    }

    /** One more GitHub write held back in observe mode (the write gate counts it). */
    public void countWithheld() {
        withheld.incrementAndGet();
    }

    /** GitHub writes held back in observe mode since the start. */
    public long withheld() {
        return withheld.get();
    }

    /** Sets the mode for the API (source {@code api}). */
    public String set(String newMode, String reason, String actor) {
        return set(newMode, reason, actor, "api");
    }
}
