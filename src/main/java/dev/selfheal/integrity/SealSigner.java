package dev.selfheal.integrity;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.springframework.stereotype.Component;

/**
 * The configured Ed25519 key pair, read and checked at start-up: a key that cannot be read, is not Ed25519, or
 * whose public key does not belong to it stops the service naming the property. Without keys seals are unsigned.
 */
@Component
public class SealSigner {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    public SealSigner(SealProperties properties) {
        if (properties.signingKey() == null && properties.publicKey() == null) {
            privateKey = null;
            publicKey = null;
            return;
        }
        if (properties.signingKey() == null || properties.publicKey() == null) {
            throw new IllegalStateException("Selfheal cannot start: selfheal.evidence.seal.signing-key and "
                    + "selfheal.evidence.seal.public-key must be set together (an Ed25519 key pair, PEM)");
        }
        try {
            privateKey = SealKeys.readPrivate(properties.signingKey());
        } catch (Exception e) {
            throw new IllegalStateException("Selfheal cannot start: selfheal.evidence.seal.signing-key "
                    + properties.signingKey() + " is not a readable Ed25519 private key (PKCS#8 PEM): " + e, e);
        }
        try {
            publicKey = SealKeys.readPublic(properties.publicKey());
        } catch (Exception e) {
            throw new IllegalStateException("Selfheal cannot start: selfheal.evidence.seal.public-key "
                    + properties.publicKey() + " is not a readable Ed25519 public key (X.509 PEM): " + e, e);
        }
        byte[] probe = "selfheal seal key check".getBytes(StandardCharsets.US_ASCII);
        boolean pair;
        try {
            pair = SealKeys.verify(publicKey, probe, SealKeys.sign(privateKey, probe));
        } catch (Exception e) {
            pair = false;
        }
        if (!pair) {
            throw new IllegalStateException("Selfheal cannot start: selfheal.evidence.seal.public-key "
                    + properties.publicKey() + " does not belong to selfheal.evidence.seal.signing-key");
        }
    }

    public boolean signs() {
        return privateKey != null;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public byte[] sign(byte[] content) {
        try {
            return SealKeys.sign(privateKey, content);
        } catch (Exception e) {
            throw new IllegalStateException("signing the seal failed: " + e.getMessage(), e);
        }
    }
}
