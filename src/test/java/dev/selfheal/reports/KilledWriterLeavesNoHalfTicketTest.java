package dev.selfheal.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process writing audit tickets is killed (SIGKILL) while it writes one after another: every ticket file under
 * its final name is whole (valid JSON to its last field), the day's _manifest.json records the tickets with their
 * real size and SHA-256, and the lock files sit under {@code <data-dir>/locks}, not in the report tree.
 */
class KilledWriterLeavesNoHalfTicketTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void killedWriterLeavesOnlyWholeTicketsAndTheirHashes() throws Exception {
        Path day = dataDir.resolve("docs/reports/2026-11-23");
        Path tickets = day.resolve("audit_tickets");
        Files.createDirectories(tickets);
        // 4 MB a ticket: most of the writer's time is spent inside a write, where the kill lands
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), TicketWriterProcess.class.getName(), tickets.toString(),
                "100000", Integer.toString(4_000_000)).redirectErrorStream(true).start();
        int reported = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("written ")) {
                    reported = Integer.parseInt(line.substring(8));
                    if (reported == 8) {
                        writer.destroyForcibly();
                        break;
                    }
                }
            }
        }
        writer.waitFor();
        assertThat(reported).isEqualTo(8);

        Map<String, JsonNode> recorded = DayManifest.files(DayManifest.read(day.resolve(ReportLayout.MANIFEST)));
        List<Path> visible;
        try (Stream<Path> s = Files.list(tickets)) {
            visible = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        assertThat(visible.size()).isGreaterThanOrEqualTo(8);
        int unrecorded = 0;
        for (Path ticket : visible) {
            JsonNode parsed = MAPPER.readTree(Files.readAllBytes(ticket));
            assertThat(parsed.path("end").asBoolean()).as("%s is whole", ticket.getFileName()).isTrue();
            JsonNode entry = recorded.get("audit_tickets/" + ticket.getFileName());
            if (entry == null) {
                unrecorded++; // killed between the rename and the manifest update: the seal records it
                continue;
            }
            assertThat(entry.get("size").asLong()).isEqualTo(Files.size(ticket));
            assertThat(entry.get("sha256").asText()).isEqualTo(DayManifest.sha256(ticket));
            assertThat(entry.get("written_at").asText()).endsWith("Z");
        }
        assertThat(unrecorded).isLessThanOrEqualTo(1);
        assertThat(recorded).hasSizeGreaterThanOrEqualTo(8);

        try (Stream<Path> s = Files.walk(dataDir.resolve("docs"))) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".lock")).toList()).isEmpty();
        }
        assertThat(dataDir.resolve("locks/2026-11-23/_manifest.json.lock")).exists();

        // a name already taken is never overwritten
        byte[] before = Files.readAllBytes(visible.get(0));
        assertThat(AtomicFiles.writeNew(visible.get(0), "{}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(Files.readAllBytes(visible.get(0))).isEqualTo(before);
    }
}
