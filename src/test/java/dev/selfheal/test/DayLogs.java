package dev.selfheal.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The lines of the service's day logs ({@code <kind>_log_YYYYMMDD.log}) of every day folder under a reports root. */
public final class DayLogs {

    private DayLogs() {
    }

    /** Every line of every {@code <kind>_log_*} file under {@code reports}; none when it does not exist yet. */
    public static List<String> lines(Path reports, String kind) throws IOException {
        if (!Files.isDirectory(reports)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(reports)) {
            return files.filter(f -> f.getFileName().toString().startsWith(kind + "_log_")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
