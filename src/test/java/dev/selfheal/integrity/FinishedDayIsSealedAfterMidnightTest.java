package dev.selfheal.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.test.SelfhealTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Quartz route integrity-seal seals the finished days (yesterday and the day before, JST) in order, chained,
 * and leaves today open; the sealed days then verify offline.
 */
@SelfhealTest
class FinishedDayIsSealedAfterMidnightTest {

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("selfheal.evidence.seal.cron", () -> "0/2 * * * * ?");
    }

    @Autowired
    ReportFolders folders;

    @Autowired
    CamelContext camel;

    @Test
    void finishedDaysAreSealedInOrderAndTodayStaysOpen() throws Exception {
        LocalDate today = ReportFolders.jstDate(Instant.now());
        Path reports = folders.root();
        // the seal fires every 2 s from start-up: held while the days are written, or it could seal a day folder
        // a write has just created and is about to fill (the write is then refused, as any write to a sealed day)
        camel.getRouteController().stopRoute("integrity-seal");
        for (LocalDate d : new LocalDate[] {today.minusDays(2), today.minusDays(1), today}) {
            AtomicFiles.write(reports.resolve(d + "/PHASE4_AUDIT_SUMMARY.md"), ("# " + d + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        camel.getRouteController().startRoute("integrity-seal");
        Path yesterday = reports.resolve(today.minusDays(1).toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(yesterday.resolve("_seal.json")));

        ObjectMapper mapper = new ObjectMapper();
        JsonNode first = mapper.readTree(reports.resolve(today.minusDays(2) + "/_seal.json").toFile());
        JsonNode second = mapper.readTree(yesterday.resolve("_seal.json").toFile());
        assertThat(second.get("previous_day").asText()).isEqualTo(today.minusDays(2).toString());
        assertThat(second.get("previous_chain_sha256").asText()).isEqualTo(first.get("chain_sha256").asText());
        assertThat(second.get("file_count").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(reports.resolve(today + "/_seal.json")).doesNotExist();
        // a sealed day refuses writes
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> AtomicFiles.write(
                yesterday.resolve("late.txt"), new byte[] {1}))).hasMessageContaining("is sealed");

        EvidenceDays.Answer answer = EvidenceDays.verify(reports.toString(), "--to", today.minusDays(1).toString());
        assertThat(answer.exit()).as(answer.out()).isEqualTo(VerifyCommand.VERIFIED);
    }
}
