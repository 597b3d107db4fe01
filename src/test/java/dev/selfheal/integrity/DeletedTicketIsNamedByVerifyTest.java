package dev.selfheal.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ticket removed from a sealed day is MISSING, a file slipped in is EXTRA; both named, exit 1. */
class DeletedTicketIsNamedByVerifyTest {

    @TempDir
    Path dataDir;

    @Test
    void removedTicketAndAddedFileAreNamed() throws Exception {
        EvidenceDays days = new EvidenceDays(dataDir);
        Path day = days.writeAndSeal(LocalDate.parse("2026-11-20"));
        days.writeAndSeal(LocalDate.parse("2026-11-21"));

        Files.delete(day.resolve("audit_tickets/audit_ticket_20261120_120000.json"));
        Files.writeString(day.resolve("audit_tickets/audit_ticket_20261120_130000.json"), "{}");

        EvidenceDays.Answer answer = EvidenceDays.verify(dataDir.toString());
        assertThat(answer.exit()).isEqualTo(VerifyCommand.MISMATCH);
        assertThat(answer.out())
                .contains("2026-11-20  MISSING  audit_tickets/audit_ticket_20261120_120000.json")
                .contains("2026-11-20  EXTRA  audit_tickets/audit_ticket_20261120_130000.json")
                .contains("2 changed, missing or extra file(s)");
    }
}
