package dev.selfheal.integrity;

import dev.selfheal.reports.ReportLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of a day folder that its manifest must list: every regular file, except the manifest and the seal
 * themselves and hidden files (a writer's temp file, kept only when a write failed).
 */
final class DayFiles {

    private DayFiles() {
    }

    static List<Path> list(Path day) throws IOException {
        try (Stream<Path> s = Files.walk(day)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !hidden(day, p))
                    .filter(p -> !(p.getParent().equals(day)
                            && ReportLayout.NOT_IN_MANIFEST.contains(p.getFileName().toString())))
                    .sorted().toList();
        }
    }

    /** The day folders ({@code YYYY-MM-DD}) under a reports root, oldest first. */
    static List<Path> dayFolders(Path reportsRoot) throws IOException {
        if (!Files.isDirectory(reportsRoot)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(reportsRoot)) {
            return s.filter(Files::isDirectory).filter(p -> ReportLayout.isDayName(nameOf(p))).sorted().toList();
        }
    }

    /** A folder's name without the trailing slash a zip file system gives its directories. */
    static String nameOf(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    private static boolean hidden(Path day, Path file) {
        for (Path part : day.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
