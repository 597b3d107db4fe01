package dev.selfheal.integrity;

import dev.selfheal.reports.DayManifest;
import java.nio.charset.StandardCharsets;

/**
 * What a seal says and how its chain hash is computed; the sealer and the offline verifier share it.
 *
 * <p>{@code chain_sha256 = SHA-256(previous chain_sha256 + "\n" + manifest_sha256)} (hex, UTF-8), the first
 * sealed day's previous chain being {@link #GENESIS}. So each seal vouches for its day's manifest and, through the
 * previous chain hash, for every earlier day.
 */
public final class SealFormat {

    public static final String GENESIS = "0".repeat(64);
    /** Manifest fields written at sealing. */
    public static final String DAY = "day";
    public static final String PREVIOUS_DAY = "previous_day";
    public static final String PREVIOUS_MANIFEST_SHA256 = "previous_manifest_sha256";

    private SealFormat() {
    }

    public static String chainHash(String previousChain, String manifestSha256) {
        String prev = previousChain == null ? GENESIS : previousChain;
        return DayManifest.sha256((prev + "\n" + manifestSha256).getBytes(StandardCharsets.UTF_8));
    }
}
