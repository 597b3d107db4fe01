package dev.selfheal.integrity;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A reproducible zip of day folders with their seals: entries {@code YYYY-MM-DD/<path>} in sorted order, every
 * entry dated 1980-01-01 00:00 (no time zone, no extra fields), one compression level; the same days give the
 * same bytes. The zip root is a reports folder, so {@code verify bundle.zip} checks it as it stands.
 */
public final class EvidenceBundle {

    /** What went into a bundle: the days, how many files, and the days that were not sealed. */
    public record Contents(List<String> days, int files, List<String> unsealed) {
    }

    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private EvidenceBundle() {
    }

    public static Contents write(Path reportsRoot, LocalDate from, LocalDate to, OutputStream out) throws IOException {
        List<String> days = new ArrayList<>();
        List<String> unsealed = new ArrayList<>();
        int files = 0;
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.setLevel(Deflater.DEFAULT_COMPRESSION);
        for (Path day : DayFiles.dayFolders(reportsRoot)) {
            String name = DayFiles.nameOf(day);
            LocalDate date = LocalDate.parse(name);
            if ((from != null && date.isBefore(from)) || (to != null && date.isAfter(to))) {
                continue;
            }
            days.add(name);
            if (!Files.exists(day.resolve(dev.selfheal.reports.ReportLayout.SEAL))) {
                unsealed.add(name);
            }
            List<String> entries = new ArrayList<>();
            for (Path f : DayFiles.list(day)) {
                entries.add(dev.selfheal.reports.ReportLayout.relative(day, f));
            }
            for (String meta : dev.selfheal.reports.ReportLayout.NOT_IN_MANIFEST) {
                if (Files.isRegularFile(day.resolve(meta))) {
                    entries.add(meta);
                }
            }
            entries.sort(null);
            for (String rel : entries) {
                ZipEntry e = new ZipEntry(name + "/" + rel);
                e.setTimeLocal(FIXED_TIME);
                zip.putNextEntry(e);
                Files.copy(day.resolve(rel), zip);
                zip.closeEntry();
                files++;
            }
        }
        zip.finish();
        return new Contents(days, files, unsealed);
    }
}
