package dev.selfheal.integrity;

import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.sanitize.ConfiguredSanitizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * Day folders written the way the service writes them (the atomic writer, the day logs) and sealed by
 * {@link DaySeals}, each day at noon JST, sealed the next day; and the verify command's answer, captured.
 */
final class EvidenceDays {

    final Path dataDir;
    final Path reports;
    final SealProperties seal;

    EvidenceDays(Path dataDir, SealProperties seal) {
        this.dataDir = dataDir;
        this.reports = dataDir.resolve("docs/reports");
        this.seal = seal;
    }

    EvidenceDays(Path dataDir) {
        this(dataDir, new SealProperties("0 5 0 * * ?", null, null));
    }

    /** Writes a day: a log line, an audit ticket, a summary; then seals every day before the next. */
    Path writeAndSeal(LocalDate day) throws Exception {
        Instant noon = day.atTime(LocalTime.NOON).atZone(ReportFolders.JST).toInstant();
        ReportFolders folders = new ReportFolders(reports, Clock.fixed(noon, ZoneOffset.UTC));
        ReportLog log = new ReportLog(folders, ConfiguredSanitizer.withOwnSecrets());
        log.append("retry", "run octo-org/octo-repo#" + day.getDayOfMonth() + " classified transient_infrastructure");
        Path folder = folders.dayFolder(noon);
        AtomicFiles.writeNew(folder.resolve("audit_tickets/audit_ticket_" + ReportFolders.compactDate(noon)
                + "_120000.json"), ("{\"ticketId\": \"t-" + day + "\"}").getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(folder.resolve("PHASE4_AUDIT_SUMMARY.md"), ("# Phase 4 audit summary " + day + "\n")
                .getBytes(StandardCharsets.UTF_8));
        sealer(day.plusDays(1)).sealClosedDays();
        return folder;
    }

    DaySeals sealer(LocalDate today) {
        Instant at = today.atTime(0, 5).atZone(ReportFolders.JST).toInstant();
        ReportFolders folders = new ReportFolders(reports, Clock.fixed(at, ZoneOffset.UTC));
        return new DaySeals(folders, new SealSigner(seal), new ReportLog(folders, ConfiguredSanitizer.withOwnSecrets()));
    }

    /** The verify command's exit code and what it printed. */
    record Answer(int exit, String out, String err) {
    }

    static Answer verify(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = VerifyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Answer(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
