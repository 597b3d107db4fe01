package dev.selfheal.api;

import dev.selfheal.integrity.EvidenceBundle;
import dev.selfheal.integrity.EvidenceBundles;
import dev.selfheal.reports.ReportLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * GET /api/v1/evidence/bundle?from=DAY&to=DAY (admin): the days' report folders with their seals as one
 * reproducible zip (the {@code bundle} command's), which {@code selfheal verify} checks offline. Written to a temp
 * file first, so a failure is a problem answer rather than half a zip, then streamed.
 */
@Component("apiEvidenceBundle")
public class ApiEvidenceBundle {

    /** A year of days at most in one answer: larger spans are several calls (or the command, on the host). */
    static final int MAX_DAYS = 366;

    private final EvidenceBundles bundles;
    private final ReportLog reportLog;

    public ApiEvidenceBundle(EvidenceBundles bundles, ReportLog reportLog) {
        this.bundles = bundles;
        this.reportLog = reportLog;
    }

    public void answer(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        LocalDate from = day(in.getHeader("from", String.class), "from");
        LocalDate to = day(in.getHeader("to", String.class), "to");
        if (to.isBefore(from)) {
            throw ApiProblem.badRequest("'to' (" + to + ") is before 'from' (" + from + ").");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw ApiProblem.badRequest("At most " + MAX_DAYS + " days in one bundle: ask for a shorter span.");
        }
        Path tmp = Files.createTempFile("selfheal-bundle-", ".zip");
        EvidenceBundle.Contents contents;
        try (OutputStream out = Files.newOutputStream(tmp)) {
            contents = bundles.write(from, to, out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (contents.days().isEmpty()) {
            Files.deleteIfExists(tmp);
            throw new ApiProblem(404, "not-found", "No report folder from " + from + " to " + to + ".");
        }
        reportLog.append("api", "key " + in.getHeader(ApiGate.KEY_ID_HEADER, String.class) + " took the evidence "
                + "bundle " + from + ".." + to + ": " + contents.days().size() + " day(s), " + contents.files()
                + " file(s)" + (contents.unsealed().isEmpty() ? "" : ", not yet sealed: " + contents.unsealed()));
        in.removeHeaders("*");
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        in.setHeader(Exchange.CONTENT_TYPE, "application/zip");
        in.setHeader("Content-Disposition", "attachment; filename=\"selfheal-evidence-" + from + "_" + to + ".zip\"");
        in.setBody(Files.newInputStream(tmp, StandardOpenOption.DELETE_ON_CLOSE));
    }

    private static LocalDate day(String value, String name) {
        if (value == null || value.isBlank()) {
            throw ApiProblem.badRequest("'" + name + "' is required (YYYY-MM-DD).");
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException bad) {
            throw ApiProblem.badRequest("'" + name + "' is not a day (YYYY-MM-DD).");
        }
    }
}
