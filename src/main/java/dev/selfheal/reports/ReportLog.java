package dev.selfheal.reports;

import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The per-layer day logs: {@code <day>/logs/<kind>_log_YYYYMMDD.log} (kind = detection, retry,
 * notification, killswitch, sanitization, ...). One line per entry, UTC time first, sanitized. Each line is also
 * an INFO line of logger {@code selfheal.<kind>} in the console (sanitization at DEBUG).
 */
@Component
public class ReportLog {

    private final ReportFolders folders;
    private final Sanitizer sanitizer;
    private volatile long lastFailureReported;

    public ReportLog(ReportFolders folders, Sanitizer sanitizer) {
        this.folders = folders;
        this.sanitizer = sanitizer;
        // the sanitizer cannot depend on this log (the log sanitizes its lines), so it is handed the log here
        sanitizer.recordHistoryIn(line -> append("sanitization", line));
    }

    public Path append(String kind, String line) {
        Instant now = folders.now();
        Path file = folders.dayFolder(now, "logs").resolve(kind + "_log_" + ReportFolders.compactDate(now) + ".log");
        String clean = sanitizer.sanitize(line).replace('\n', ' ');
        String text = ReportFolders.utc(now) + " " + clean + "\n";
        // the console tells the same story, one line per decision and action (logger selfheal.<kind>);
        // what the sanitizer masked is a detail, kept at DEBUG
        Logger console = LoggerFactory.getLogger("selfheal." + kind);
        if ("sanitization".equals(kind)) {
            console.debug(clean);
        } else {
            console.info(clean);
        }
        try {
            // one write() of an O_APPEND file: lines from several threads or instances do not interleave
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // a full (or broken) volume must not stop the loop that called: the line is on the console above and
            // the database holds the record; the day log misses it, which is said at ERROR (at most once a minute)
            long at = System.nanoTime();
            if (lastFailureReported == 0 || at - lastFailureReported > 60_000_000_000L) {
                lastFailureReported = at;
                LoggerFactory.getLogger(ReportLog.class).error("Day log {} not written ({}): its lines are only on "
                        + "the console until the volume has room again", file, e.toString());
            }
        }
        return file;
    }
}
