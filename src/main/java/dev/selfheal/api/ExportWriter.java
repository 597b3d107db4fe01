package dev.selfheal.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows written one at a time as JSON (an array) or CSV (RFC 4180, UTF-8, a header row). A CSV cell that a
 * spreadsheet would run as a formula (starting with {@code = + - @}, a tab or a carriage return) is prefixed with
 * {@code '}, so an exported value such as {@code =HYPERLINK(...)} stays text (OWASP's CSV injection advice).
 * XLSX (Apache POI SXSSF: rows flushed to disk, 100 in memory) writes every value as a string cell, which a
 * spreadsheet never evaluates, with the same prefix so a value re-typed by hand stays text too.
 */
public abstract class ExportWriter implements AutoCloseable {

    public enum Format {
        JSON("application/json", "json"), CSV("text/csv; charset=utf-8", "csv"),
        XLSX("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx");

        final String contentType;
        final String extension;

        Format(String contentType, String extension) {
            this.contentType = contentType;
            this.extension = extension;
        }

        public String contentType() {
            return contentType;
        }

        public String extension() {
            return extension;
        }

        public static Format of(String name) {
            for (Format f : values()) {
                if (f.extension.equalsIgnoreCase(name)) {
                    return f;
                }
            }
            throw ApiProblem.badRequest("'format' must be json, csv or xlsx.");
        }
    }

    public static ExportWriter open(Format format, OutputStream out, ObjectMapper mapper) {
        return switch (format) {
            case CSV -> new Csv(out);
            case XLSX -> new Xlsx(out);
            case JSON -> new Json(out, mapper);
        };
    }

    public abstract void row(ObjectNode row);

    @Override
    public abstract void close() throws IOException;

    /** A cell as written to CSV: quoted when needed, formula-leading characters neutralised. */
    static String csvCell(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        String text = value.isValueNode() ? value.asText() : value.toString();
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            text = "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    static final class Csv extends ExportWriter {
        private final Writer out;
        private List<String> columns;

        Csv(OutputStream out) {
            this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        }

        @Override
        public void row(ObjectNode row) {
            try {
                if (columns == null) {
                    columns = new ArrayList<>();
                    row.fieldNames().forEachRemaining(columns::add);
                    out.write(String.join(",", columns.stream().map(c -> csvCell(row.textNode(c))).toList()));
                    out.write("\r\n");
                }
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < columns.size(); i++) {
                    line.append(i == 0 ? "" : ",").append(csvCell(row.get(columns.get(i))));
                }
                out.write(line.append("\r\n").toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Flushed, not closed: the stream is its owner's (a file being written atomically). */
        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    static final class Json extends ExportWriter {
        private final JsonGenerator out;

        Json(OutputStream out, ObjectMapper mapper) {
            try {
                this.out = mapper.getFactory().createGenerator(out)
                        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                this.out.writeStartArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void row(ObjectNode row) {
            try {
                out.writeTree(row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            out.writeEndArray();
            out.close();
        }
    }


    static final class Xlsx extends ExportWriter {
        private final OutputStream out;
        private final org.apache.poi.xssf.streaming.SXSSFWorkbook workbook = new org.apache.poi.xssf.streaming.SXSSFWorkbook(100);
        private final org.apache.poi.ss.usermodel.Sheet sheet = workbook.createSheet("export");
        private List<String> columns;
        private int next;

        Xlsx(OutputStream out) {
            this.out = out;
        }

        @Override
        public void row(ObjectNode row) {
            if (columns == null) {
                columns = new ArrayList<>();
                row.fieldNames().forEachRemaining(columns::add);
                org.apache.poi.ss.usermodel.Row header = sheet.createRow(next++);
                for (int i = 0; i < columns.size(); i++) {
                    header.createCell(i).setCellValue(columns.get(i));
                }
            }
            org.apache.poi.ss.usermodel.Row line = sheet.createRow(next++);
            for (int i = 0; i < columns.size(); i++) {
                JsonNode value = row.get(columns.get(i));
                if (value == null || value.isNull()) {
                    continue;
                }
                String text = value.isValueNode() ? value.asText() : value.toString();
                if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
                    text = "'" + text;
                }
                // a cell holds at most 32,767 characters
                line.createCell(i).setCellValue(text.length() > 32_767 ? text.substring(0, 32_767) : text);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                workbook.write(out);
                out.flush();
            } finally {
                workbook.close();
                // the flushed rows' temp files
                workbook.dispose();
            }
        }
    }
}
