package dev.selfheal.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Yesterday's manifest edited to hide a changed file (its hash rewritten to the new content): the files then
 * agree with the manifest, but the chain breaks at that day; and a seal recomputed to match the edit is caught by
 * the next day's link. Days before the edit still verify on their own.
 */
class EditedManifestBreaksTheChainTest {

    @TempDir
    Path dataDir;

    @Test
    void editedManifestBreaksTheChainAtItsDay() throws Exception {
        EvidenceDays days = new EvidenceDays(dataDir);
        days.writeAndSeal(LocalDate.parse("2026-11-20"));
        Path yesterday = days.writeAndSeal(LocalDate.parse("2026-11-21"));
        days.writeAndSeal(LocalDate.parse("2026-11-22"));

        Path summary = yesterday.resolve("PHASE4_AUDIT_SUMMARY.md");
        String oldSha = dev.selfheal.reports.DayManifest.sha256(summary);
        Files.writeString(summary, "# Phase 4 audit summary 2026-11-21\nnothing happened\n");
        String newSha = dev.selfheal.reports.DayManifest.sha256(summary);
        Path manifest = yesterday.resolve("_manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace(oldSha, newSha)
                .replaceFirst("\"size\" : 35", "\"size\" : " + Files.size(summary)));

        EvidenceDays.Answer answer = EvidenceDays.verify(dataDir.toString());
        assertThat(answer.exit()).isEqualTo(VerifyCommand.MISMATCH);
        assertThat(answer.out()).contains("2026-11-21  CHAIN  _manifest.json: changed after sealing")
                .contains("the chain breaks at 2026-11-21").doesNotContain("CHANGED");
        assertThat(EvidenceDays.verify(dataDir.toString(), "--to", "2026-11-20").exit())
                .isEqualTo(VerifyCommand.VERIFIED);

        // the forger also rewrites the day's seal: the next day's link still holds the old manifest's hash
        Path seal = yesterday.resolve("_seal.json");
        String sealText = Files.readString(seal);
        String sealedSha = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sealText)
                .get("manifest_sha256").asText();
        String forgedSha = dev.selfheal.reports.DayManifest.sha256(manifest);
        String prevChain = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sealText)
                .get("previous_chain_sha256").asText();
        String oldChain = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sealText)
                .get("chain_sha256").asText();
        Files.writeString(seal, sealText.replace(sealedSha, forgedSha)
                .replace(oldChain, SealFormat.chainHash(prevChain, forgedSha)));
        EvidenceDays.Answer forged = EvidenceDays.verify(dataDir.toString());
        assertThat(forged.exit()).isEqualTo(VerifyCommand.MISMATCH);
        assertThat(forged.out()).contains("2026-11-22  CHAIN  _manifest.json: previous_manifest_sha256 does not match")
                .contains("the chain breaks at 2026-11-22");
    }
}
