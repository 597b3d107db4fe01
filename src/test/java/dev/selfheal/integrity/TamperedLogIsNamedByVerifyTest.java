package dev.selfheal.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One byte changed in a sealed day's log: verify names the file, says CHANGED and exits 1. */
class TamperedLogIsNamedByVerifyTest {

    @TempDir
    Path dataDir;

    @Test
    void oneChangedByteInALogIsNamed() throws Exception {
        EvidenceDays days = new EvidenceDays(dataDir);
        days.writeAndSeal(LocalDate.parse("2026-11-20"));
        Path day = days.writeAndSeal(LocalDate.parse("2026-11-21"));
        days.writeAndSeal(LocalDate.parse("2026-11-22"));

        EvidenceDays.Answer clean = EvidenceDays.verify(dataDir.toString());
        assertThat(clean.exit()).as(clean.out()).isEqualTo(VerifyCommand.VERIFIED);
        assertThat(clean.out()).contains("RESULT: VERIFIED").contains("2026-11-21  4 files, sealed");

        Path log = day.resolve("logs/retry_log_20261121.log");
        byte[] bytes = Files.readAllBytes(log);
        bytes[bytes.length - 2] ^= 0x01;
        Files.write(log, bytes);

        EvidenceDays.Answer tampered = EvidenceDays.verify(dataDir.toString());
        assertThat(tampered.exit()).isEqualTo(VerifyCommand.MISMATCH);
        assertThat(tampered.out()).contains("2026-11-21  CHANGED  logs/retry_log_20261121.log: sha256")
                .contains("RESULT: FAILED - 1 changed, missing or extra file(s)")
                .doesNotContain("chain breaks");
        // given as a relative path, as an auditor types it
        String relative = Path.of("").toAbsolutePath().relativize(dataDir).toString();
        assertThat(EvidenceDays.verify(relative).out()).contains("CHANGED  logs/retry_log_20261121.log");
        // the day folder alone, as an auditor might receive it
        assertThat(EvidenceDays.verify(day.toString()).out()).contains("CHANGED  logs/retry_log_20261121.log");
    }
}
