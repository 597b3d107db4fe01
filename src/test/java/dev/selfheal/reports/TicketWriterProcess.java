package dev.selfheal.reports;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A second JVM writing audit-ticket-sized JSON files through {@link AtomicFiles#writeNew}:
 * {@code <audit_tickets dir> <count> <padding>}. Prints "written N" after each so a test can kill it mid-stream.
 */
public final class TicketWriterProcess {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        String pad = "p".repeat(Integer.parseInt(args[2]));
        for (int i = 1; i <= count; i++) {
            String json = "{\"ticketId\": \"audit_ticket_" + i + "\", \"padding\": \"" + pad + "\", \"end\": true}";
            AtomicFiles.writeNew(dir.resolve("audit_ticket_" + i + ".json"), json.getBytes(StandardCharsets.UTF_8));
            System.out.println("written " + i);
            System.out.flush();
        }
    }
}
