package dev.selfheal.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.reports.ReportLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Exports of the API's tables as JSON or CSV: on request (GET /api/v1/exports/{resource}?format=csv, with the
 * read endpoints' filters), and as files in the day folder ({@code exports/<resource>_daily_YYYYMMDD.csv|json}
 * for the previous JST day, and on Mondays {@code <resource>_weekly_YYYYMMDD.*} for the seven days before) by
 * the Quartz routes of routes/api.yaml. Rows stream from the database to a file; nothing holds a whole export in
 * memory.
 */
@Component("apiExports")
public class ApiExports {

    /** What the scheduled exports write. */
    static final List<String> SCHEDULED = List.of("runs", "retry-history", "events", "notifications", "audit-tickets");

    private final ApiReads reads;
    private final ObjectMapper mapper;
    private final ReportFolders folders;
    private final ReportLog reportLog;

    public ApiExports(ApiReads reads, ObjectMapper mapper, ReportFolders folders, ReportLog reportLog) {
        this.reads = reads;
        this.mapper = mapper;
        this.folders = folders;
        this.reportLog = reportLog;
    }

    /** Route step of api-export: the export as the answer, streamed from a temp file removed once sent. */
    public void answer(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        String resource = in.getHeader("resource", String.class);
        if (resource == null || !ApiReads.RESOURCES.containsKey(resource)) {
            throw new ApiProblem(404, "not-found", "No such export; there are " + String.join(", ",
                    new java.util.TreeSet<>(ApiReads.RESOURCES.keySet())) + ".");
        }
        ExportWriter.Format format = ExportWriter.Format.of(in.getHeader("format", "json", String.class));
        Function<String, String> parameter = name -> in.getHeader(name, String.class);
        Path tmp = Files.createTempFile("selfheal-export-", "." + format.extension());
        try (OutputStream out = Files.newOutputStream(tmp)) {
            write(resource, format, parameter, out);
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        in.removeHeaders("*");
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        in.setHeader(Exchange.CONTENT_TYPE, format.contentType());
        in.setHeader("Content-Disposition", "attachment; filename=\"" + resource + "." + format.extension() + "\"");
        in.setBody(Files.newInputStream(tmp, StandardOpenOption.DELETE_ON_CLOSE));
    }

    private long write(String resource, ExportWriter.Format format, Function<String, String> parameter,
            OutputStream out) throws IOException {
        AtomicLong rows = new AtomicLong();
        try (ExportWriter writer = ExportWriter.open(format, out, mapper)) {
            reads.forEachRow(resource, parameter, row -> {
                writer.row(row);
                rows.incrementAndGet();
            });
        }
        return rows.get();
    }

    /** Quartz (api-export-daily): the previous JST day's rows, into that day's folder. */
    public void daily() throws IOException {
        LocalDate today = ReportFolders.jstDate(folders.now());
        LocalDate day = today.minusDays(1);
        export("daily", day, day.plusDays(1), day);
    }

    /** Quartz (api-export-weekly): the seven JST days before today, into the last of them's folder. */
    public void weekly() throws IOException {
        LocalDate today = ReportFolders.jstDate(folders.now());
        export("weekly", today.minusDays(7), today, today.minusDays(1));
    }

    /** Every scheduled resource from {@code from} (inclusive) to {@code to} (exclusive), JST days. */
    void export(String period, LocalDate from, LocalDate to, LocalDate folderDay) throws IOException {
        Instant start = from.atStartOfDay(ReportFolders.JST).toInstant();
        Instant end = to.atStartOfDay(ReportFolders.JST).toInstant();
        Path dir = folders.dayFolder(folderDay.atStartOfDay(ReportFolders.JST).toInstant(), "exports");
        Function<String, String> window = name -> switch (name) {
            case "from" -> start.toString();
            case "to" -> end.toString();
            default -> null;
        };
        String stamp = folderDay.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        for (String resource : SCHEDULED) {
            for (ExportWriter.Format format : ExportWriter.Format.values()) {
                Path file = dir.resolve(resource.replace('-', '_') + "_" + period + "_" + stamp + "."
                        + format.extension());
                long[] rows = new long[1];
                AtomicFiles.write(file, out -> {
                    rows[0] = write(resource, format, window, out);
                    return true;
                });
                reportLog.append("api", period + " export " + file.getFileName() + ": " + rows[0] + " rows ("
                        + from + " to " + to.minusDays(1) + ", JST)");
            }
        }
    }
}
