package dev.selfheal.integrity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 with the JDK's own EdDSA provider: PEM keys read and written, seals signed and checked. Used by the
 * sealer (private key) and by the offline {@code verify} command (public key only).
 */
public final class SealKeys {

    public static final String ALGORITHM = "Ed25519";

    private SealKeys() {
    }

    public static PrivateKey readPrivate(Path pem) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
    }

    public static PublicKey readPublic(Path pem) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
    }

    public static PublicKey readPublic(byte[] pem) throws GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(
                der(new String(pem, StandardCharsets.US_ASCII), "PUBLIC KEY")));
    }

    public static String pem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public static String pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    public static byte[] sign(PrivateKey key, byte[] content) throws GeneralSecurityException {
        Signature s = Signature.getInstance(ALGORITHM);
        s.initSign(key);
        s.update(content);
        return s.sign();
    }

    public static boolean verify(PublicKey key, byte[] content, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(content);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(Path pem, String type) throws IOException {
        return der(Files.readString(pem, StandardCharsets.US_ASCII), type);
    }

    private static byte[] der(String text, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException("not a PEM " + type);
        }
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }
}
