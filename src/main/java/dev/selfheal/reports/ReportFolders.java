package dev.selfheal.reports;

import dev.selfheal.config.SelfhealProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Timezone Handler: report folders are named by the Asia/Tokyo date ({@code docs/reports/YYYY-MM-DD/}), every
 * timestamp written inside is UTC ISO-8601 with {@code Z}. A run at 23:30 UTC lands in the next day's folder.
 */
@Component
public class ReportFolders {

    public static final ZoneId JST = ZoneId.of("Asia/Tokyo");
    private static final DateTimeFormatter FOLDER = DateTimeFormatter.ISO_LOCAL_DATE;
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.BASIC_ISO_DATE;

    private final Path reportsRoot;
    private final Clock clock;

    @Autowired
    public ReportFolders(SelfhealProperties properties) {
        // absolute: paths written into manifests and indexes are made relative to it
        this(properties.reportsDir().toAbsolutePath().normalize(), Clock.systemUTC());
    }

    public ReportFolders(Path reportsRoot, Clock clock) {
        this.reportsRoot = reportsRoot;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** The JST calendar date of an instant. */
    public static LocalDate jstDate(Instant at) {
        return at.atZone(JST).toLocalDate();
    }

    /** {@code <data-dir>/docs/reports/YYYY-MM-DD} for the JST date of {@code at}, created if missing. */
    public Path dayFolder(Instant at) {
        return create(reportsRoot.resolve(FOLDER.format(jstDate(at))));
    }

    /** A sub-folder of the day ({@code logs}, {@code audit_tickets}, {@code artifacts/<RUN_ID>}, ...), created. */
    public Path dayFolder(Instant at, String sub) {
        return create(dayFolder(at).resolve(sub));
    }

    /** {@code YYYYMMDD} of the JST date, as in {@code retry_log_YYYYMMDD.log}. */
    public static String compactDate(Instant at) {
        return COMPACT.format(jstDate(at));
    }

    /** UTC ISO-8601 with Z, to the second: what every file states as a time. */
    public static String utc(Instant at) {
        return DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
    }

    public Path root() {
        return reportsRoot;
    }

    private static Path create(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create report folder " + dir, e);
        }
    }
}
