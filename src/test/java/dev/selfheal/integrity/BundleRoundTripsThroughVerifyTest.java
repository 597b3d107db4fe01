package dev.selfheal.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle of sealed days verifies as it stands (the chain checked from its first day), is byte-for-byte the
 * same when made again after the files' times changed, holds sorted entries with one fixed time, and a bundle
 * whose content was changed fails verify naming the file.
 */
class BundleRoundTripsThroughVerifyTest {

    @TempDir
    Path dataDir;
    @TempDir
    Path out;

    @Test
    void bundleIsReproducibleAndVerifies() throws Exception {
        EvidenceDays days = new EvidenceDays(dataDir);
        days.writeAndSeal(LocalDate.parse("2026-11-20"));
        Path day21 = days.writeAndSeal(LocalDate.parse("2026-11-21"));
        days.writeAndSeal(LocalDate.parse("2026-11-22"));

        Path zip = out.resolve("evidence.zip");
        assertThat(bundle("--from", "2026-11-21", "--to", "2026-11-22", zip.toString(), "--data-dir",
                dataDir.toString())).isZero();
        EvidenceDays.Answer answer = EvidenceDays.verify(zip.toString());
        assertThat(answer.exit()).as(answer.out()).isEqualTo(VerifyCommand.VERIFIED);
        assertThat(answer.out()).contains("2 day(s), 2026-11-21 to 2026-11-22")
                .contains("2026-11-21  NOTE  the chain is checked from here: the previous day 2026-11-20");

        try (ZipFile z = new ZipFile(zip.toFile())) {
            List<String> names = z.stream().map(ZipEntry::getName).toList();
            assertThat(names).isSorted().contains("2026-11-21/_seal.json", "2026-11-21/_manifest.json",
                    "2026-11-22/logs/retry_log_20261122.log").noneMatch(n -> n.startsWith("2026-11-20"));
            assertThat(z.stream().map(ZipEntry::getTimeLocal).distinct().toList())
                    .containsExactly(java.time.LocalDateTime.of(1980, 1, 1, 0, 0));
        }

        Files.setLastModifiedTime(day21.resolve("PHASE4_AUDIT_SUMMARY.md"), FileTime.fromMillis(0));
        Path again = out.resolve("again.zip");
        assertThat(bundle("--from", "2026-11-21", "--to", "2026-11-22", again.toString(), "--data-dir",
                dataDir.toString())).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(zip));

        // a summary changed after bundling: verify of the bundle names it
        Files.writeString(day21.resolve("PHASE4_AUDIT_SUMMARY.md"), "# edited\n");
        Path edited = out.resolve("edited.zip");
        bundle("--from", "2026-11-21", "--to", "2026-11-22", edited.toString(), "--data-dir", dataDir.toString());
        EvidenceDays.Answer bad = EvidenceDays.verify(edited.toString());
        assertThat(bad.exit()).isEqualTo(VerifyCommand.MISMATCH);
        assertThat(bad.out()).contains("2026-11-21  CHANGED  PHASE4_AUDIT_SUMMARY.md");
    }

    private static int bundle(String... args) {
        return BundleCommand.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }
}
