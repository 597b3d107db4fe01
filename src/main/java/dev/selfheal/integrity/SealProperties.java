package dev.selfheal.integrity;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sealing of the day folders: when ({@code cron}, Asia/Tokyo) and, optionally, the Ed25519 key pair the seals are
 * signed with (PEM files: PKCS#8 private key, X.509 public key; both or neither).
 */
@ConfigurationProperties("selfheal.evidence.seal")
public record SealProperties(String cron, Path signingKey, Path publicKey) {

    public SealProperties(@DefaultValue("0 5 0 * * ?") String cron, Path signingKey, Path publicKey) {
        this.cron = cron;
        this.signingKey = signingKey;
        this.publicKey = publicKey;
    }
}
