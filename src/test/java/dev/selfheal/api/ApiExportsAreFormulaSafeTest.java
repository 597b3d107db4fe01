package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Exports keep hostile values as text: in CSV a cell starting with = + - @ is prefixed with ' and commas, quotes
 * and line breaks are quoted (RFC 4180); in XLSX every value is a string cell with the same prefix; JSON keeps
 * the value as it was. A secret in a row is masked in every format.
 */
@SelfhealTest
class ApiExportsAreFormulaSafeTest {

    static final String FORMULA = "=HYPERLINK(\"http://evil.example/x\",\"click\")";
    static final String DDE = "+cmd|' /C calc'!A0";
    static final String MINUS = "-2+3";
    static final String AT = "@SUM(1+1)";
    static final String QUOTED = "a,\"b\"\nc";
    static final String PAT = "ghp_" + "Zq8Xw7Vu6Ts5Rq4Po3Nm2Lk1Ji0HgFeDcBa98";

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys keys;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void csvXlsxAndJsonKeepValuesAsText() throws Exception {
        String repo = "export/r" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.update("""
                INSERT INTO phase4_metrics (run_id, repository, workflow_name, failure_rule, head_branch, event,
                                            failure_line, conclusion) VALUES (?, ?, ?, ?, ?, ?, ?, 'failure')""",
                Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L), repo, FORMULA, DDE, MINUS,
                AT, QUOTED + " token " + PAT);
        String key = keys.create("exporter", ManagementRole.VIEWER, null, "test").secret();
        ApiCalls api = new ApiCalls(port);
        String query = "?repo=" + repo.replace("/", "%2F");

        HttpResponse<String> csv = api.get("/api/v1/exports/runs" + query + "&format=csv", key);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"runs.csv\"");
        List<List<String>> table = parseCsv(csv.body());
        assertThat(table).hasSize(2);
        List<String> header = table.get(0);
        List<String> row = table.get(1);
        assertThat(row.get(header.indexOf("workflowName"))).isEqualTo("'" + FORMULA);
        assertThat(row.get(header.indexOf("failureRule"))).isEqualTo("'" + DDE);
        assertThat(row.get(header.indexOf("headBranch"))).isEqualTo("'" + MINUS);
        assertThat(row.get(header.indexOf("event"))).isEqualTo("'" + AT);
        assertThat(csv.body()).doesNotContain(PAT);

        HttpResponse<byte[]> xlsx = api.send(api.request("/api/v1/exports/runs" + query + "&format=xlsx", key).GET(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(xlsx.statusCode()).isEqualTo(200);
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(xlsx.body()))) {
            Sheet sheet = book.getSheetAt(0);
            Row names = sheet.getRow(0);
            Row values = sheet.getRow(1);
            List<String> columns = new ArrayList<>();
            names.forEach(c -> columns.add(c.getStringCellValue()));
            values.forEach(c -> assertThat(c.getCellType()).isEqualTo(CellType.STRING));
            assertThat(values.getCell(columns.indexOf("workflowName")).getStringCellValue()).isEqualTo("'" + FORMULA);
            assertThat(values.getCell(columns.indexOf("event")).getStringCellValue()).isEqualTo("'" + AT);
            assertThat(values.getCell(columns.indexOf("failureLine")).getStringCellValue()).doesNotContain(PAT);
        }

        HttpResponse<String> json = api.get("/api/v1/exports/runs" + query + "&format=json", key);
        JsonNode rows = new ObjectMapper().readTree(json.body());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).path("workflowName").asText()).isEqualTo(FORMULA);
        assertThat(json.body()).doesNotContain(PAT);

        assertThat(api.get("/api/v1/exports/runs?format=pdf", key).statusCode()).isEqualTo(400);
        assertThat(api.get("/api/v1/exports/api-keys?format=csv", key).statusCode()).isEqualTo(404);
    }

    /** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r') {
                continue;
            } else if (c == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        return rows;
    }
}
