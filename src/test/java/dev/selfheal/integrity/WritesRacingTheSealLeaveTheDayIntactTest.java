package dev.selfheal.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.reports.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers still finishing a file in a day folder while the seal runs: each write lands either wholly before the
 * seal (in the sealed manifest) or is refused; the sealed day verifies, whatever the timing.
 */
class WritesRacingTheSealLeaveTheDayIntactTest {

    @TempDir
    Path tmp;

    @Test
    void aWriteRacingTheSealIsEitherSealedOrRefused() throws Exception {
        LocalDate day = LocalDate.of(2026, 1, 10);
        for (int round = 0; round < 25; round++) {
            EvidenceDays days = new EvidenceDays(tmp.resolve("round-" + round));
            Path folder = days.reports.resolve(day.toString());
            Files.createDirectories(folder);
            AtomicInteger refused = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(3);
            List<Thread> writers = new ArrayList<>();
            List<Throwable> unexpected = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int writer = w;
                Thread t = new Thread(() -> {
                    started.countDown();
                    for (int i = 0; ; i++) {
                        try {
                            AtomicFiles.write(folder.resolve("w" + writer + "/file-" + i + ".txt"),
                                    ("writer " + writer + " file " + i + "\n").getBytes(StandardCharsets.UTF_8));
                        } catch (IOException e) {
                            if (String.valueOf(e.getMessage()).contains("is sealed")) {
                                refused.incrementAndGet();
                                return;
                            }
                            synchronized (unexpected) {
                                unexpected.add(e);
                            }
                            return;
                        }
                    }
                });
                t.start();
                writers.add(t);
            }
            started.await();
            Thread.sleep(20 + round);
            days.sealer(day.plusDays(1)).sealClosedDays();
            for (Thread t : writers) {
                t.join(30_000);
            }
            assertThat(unexpected).isEmpty();
            assertThat(refused.get()).as("every writer meets the seal").isEqualTo(3);
            EvidenceDays.Answer answer = EvidenceDays.verify(days.reports.toString(), "--to", day.toString());
            assertThat(answer.exit()).as("round " + round + ":\n" + answer.out() + answer.err())
                    .isEqualTo(VerifyCommand.VERIFIED);
        }
    }
}
