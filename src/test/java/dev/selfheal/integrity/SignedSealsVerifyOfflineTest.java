package dev.selfheal.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seals signed with the configured Ed25519 key verify offline with the public key published in each day folder
 * or one the auditor pins; a seal edited after signing, or a pinned key that is not the signer's, fails. A key
 * pair that does not belong together stops start-up naming the property.
 */
class SignedSealsVerifyOfflineTest {

    @TempDir
    Path dataDir;
    @TempDir
    Path keys;

    @Test
    void signedSealsVerifyAndForgeriesDoNot() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path priv = Files.writeString(keys.resolve("seal.key.pem"), SealKeys.pem(pair.getPrivate()));
        Path pub = Files.writeString(keys.resolve("seal.pub.pem"), SealKeys.pem(pair.getPublic()));
        EvidenceDays days = new EvidenceDays(dataDir, new SealProperties("0 5 0 * * ?", priv, pub));
        Path first = days.writeAndSeal(LocalDate.parse("2026-11-20"));
        days.writeAndSeal(LocalDate.parse("2026-11-21"));

        assertThat(first.resolve("_seal_public_key.pem")).hasContent(Files.readString(pub).strip());
        assertThat(Files.readString(first.resolve("_manifest.json"))).contains("\"_seal_public_key.pem\"");
        EvidenceDays.Answer ok = EvidenceDays.verify(dataDir.toString(), "--public-key", pub.toString());
        assertThat(ok.exit()).as(ok.out()).isEqualTo(VerifyCommand.VERIFIED);
        assertThat(ok.out()).contains("2026-11-20  4 files, sealed, signature verified");

        Path other = Files.writeString(keys.resolve("other.pub.pem"),
                SealKeys.pem(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic()));
        EvidenceDays.Answer wrongKey = EvidenceDays.verify(dataDir.toString(), "--public-key", other.toString());
        assertThat(wrongKey.exit()).isEqualTo(VerifyCommand.MISMATCH);
        assertThat(wrongKey.out()).contains("2026-11-20  SIGNATURE  _seal.json: the Ed25519 signature does not verify");

        // a seal edited after signing (here only its time): the hashes still add up, the signature does not
        Path seal = first.resolve("_seal.json");
        Files.writeString(seal, Files.readString(seal).replaceFirst("\"sealed_at\" : \"[^\"]+\"",
                "\"sealed_at\" : \"2026-11-20T16:00:00Z\""));
        EvidenceDays.Answer edited = EvidenceDays.verify(dataDir.toString());
        assertThat(edited.exit()).isEqualTo(VerifyCommand.MISMATCH);
        assertThat(edited.out()).contains("2026-11-20  SIGNATURE  _seal.json").contains("a signature does not verify");
    }

    @Test
    void keysThatAreNotAPairStopStartUp() throws Exception {
        Path priv = Files.writeString(keys.resolve("a.key.pem"),
                SealKeys.pem(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate()));
        Path pub = Files.writeString(keys.resolve("b.pub.pem"),
                SealKeys.pem(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic()));
        assertThatThrownBy(() -> new SealSigner(new SealProperties("x", priv, pub)))
                .hasMessageContaining("selfheal.evidence.seal.public-key").hasMessageContaining("does not belong");
        assertThatThrownBy(() -> new SealSigner(new SealProperties("x", priv, null)))
                .hasMessageContaining("must be set together");
        Path garbage = Files.writeString(keys.resolve("garbage.pem"), "not a key");
        assertThatThrownBy(() -> new SealSigner(new SealProperties("x", garbage, pub)))
                .hasMessageContaining("selfheal.evidence.seal.signing-key").hasMessageContaining(garbage.toString());
    }
}
