package dev.selfheal.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.reports.DayManifest;
import dev.selfheal.reports.ReportLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks evidence day folders as an auditor receives them, with nothing but the files: every recorded file's
 * size and SHA-256, files missing from or extra to the manifest, each seal against its manifest, the chain from
 * day to day, and the seals' Ed25519 signatures. No Spring, no database, no network.
 */
public final class EvidenceVerifier {

    /** What a finding is about; {@link #CHAIN} and {@link #UNREADABLE} break the chain at their day. */
    public enum Kind { CHANGED, MISSING, EXTRA, CHAIN, SIGNATURE, UNREADABLE, OPEN, NOTE }

    public record Finding(String day, Kind kind, String path, String detail) {
        public boolean failure() {
            return kind != Kind.OPEN && kind != Kind.NOTE;
        }

        @Override
        public String toString() {
            return day + "  " + kind + "  " + (path == null ? "" : path + ": ") + detail;
        }
    }

    public record DayResult(String day, int files, boolean sealed, boolean signed) {
    }

    public record Report(List<DayResult> days, List<Finding> findings) {
        public boolean ok() {
            return !days.isEmpty() && findings.stream().noneMatch(Finding::failure);
        }

        /** The first day whose manifest, seal or link to the previous day does not hold; null when none. */
        public String chainBreaksAt() {
            return findings.stream().filter(f -> f.kind == Kind.CHAIN || f.kind == Kind.UNREADABLE)
                    .map(Finding::day).sorted().findFirst().orElse(null);
        }

        public List<Finding> failures() {
            return findings.stream().filter(Finding::failure).toList();
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EvidenceVerifier() {
    }

    /**
     * Verifies the day folders under {@code reportsRoot} from {@code from} to {@code to} (null: unbounded). Days
     * outside the range are still read to check the first day's link to its predecessor. {@code pinnedKey}, when
     * given, is the only key a signature may verify with, and every sealed day must be signed.
     */
    public static Report verify(Path reportsRoot, LocalDate from, LocalDate to, PublicKey pinnedKey) throws IOException {
        List<Path> all = DayFiles.dayFolders(reportsRoot);
        List<DayResult> days = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Path day = all.get(i);
            LocalDate date = LocalDate.parse(DayFiles.nameOf(day));
            if ((from != null && date.isBefore(from)) || (to != null && date.isAfter(to))) {
                continue;
            }
            Path previous = i > 0 ? all.get(i - 1) : null;
            boolean newest = i == all.size() - 1;
            days.add(verifyDay(day, previous, newest, pinnedKey, findings));
        }
        return new Report(days, findings);
    }

    private static DayResult verifyDay(Path day, Path previous, boolean newest, PublicKey pinnedKey,
            List<Finding> findings) throws IOException {
        String name = DayFiles.nameOf(day);
        Path manifestFile = day.resolve(ReportLayout.MANIFEST);
        boolean open = newest && !Files.exists(day.resolve(ReportLayout.SEAL));
        if (!Files.exists(manifestFile) && open) {
            findings.add(new Finding(name, Kind.OPEN, null, "not sealed yet (the newest day) and no manifest yet"));
            return new DayResult(name, 0, false, false);
        }
        if (!Files.exists(manifestFile)) {
            findings.add(new Finding(name, Kind.UNREADABLE, ReportLayout.MANIFEST, "missing: nothing in this day "
                    + "can be checked"));
            return new DayResult(name, 0, false, false);
        }
        byte[] manifestBytes = Files.readAllBytes(manifestFile);
        JsonNode manifest;
        try {
            manifest = MAPPER.readTree(manifestBytes);
        } catch (IOException e) {
            findings.add(new Finding(name, Kind.UNREADABLE, ReportLayout.MANIFEST, "not valid JSON"));
            return new DayResult(name, 0, false, false);
        }
        Map<String, JsonNode> recorded = DayManifest.files(manifest);
        List<Finding> fileFindings = new ArrayList<>();
        checkFiles(day, name, recorded, fileFindings);
        for (Finding f : fileFindings) {
            // the open day's logs are still being appended to; they are recorded as they stand at the seal
            boolean growingLog = open && f.path() != null && f.path().startsWith("logs/")
                    && (f.kind() == Kind.CHANGED || f.kind() == Kind.EXTRA);
            findings.add(growingLog ? new Finding(name, Kind.NOTE, f.path(), "open day, log still being written: "
                    + f.detail()) : f);
        }

        Path sealFile = day.resolve(ReportLayout.SEAL);
        if (!Files.exists(sealFile)) {
            if (newest) {
                findings.add(new Finding(name, Kind.OPEN, null, "not sealed yet (the newest day); its files are "
                        + "checked, the chain is not"));
            } else {
                findings.add(new Finding(name, Kind.CHAIN, ReportLayout.SEAL, "missing, though a later day exists"));
            }
            return new DayResult(name, recorded.size(), false, false);
        }
        byte[] sealBytes = Files.readAllBytes(sealFile);
        JsonNode seal;
        try {
            seal = MAPPER.readTree(sealBytes);
        } catch (IOException e) {
            findings.add(new Finding(name, Kind.UNREADABLE, ReportLayout.SEAL, "not valid JSON"));
            return new DayResult(name, recorded.size(), true, false);
        }
        String manifestSha = DayManifest.sha256(manifestBytes);
        if (!name.equals(seal.path("day").asText())) {
            findings.add(new Finding(name, Kind.CHAIN, ReportLayout.SEAL, "seals the day " + seal.path("day").asText()));
        }
        if (!manifestSha.equals(seal.path("manifest_sha256").asText())) {
            findings.add(new Finding(name, Kind.CHAIN, ReportLayout.MANIFEST, "changed after sealing: sha256 "
                    + manifestSha + ", the seal says " + seal.path("manifest_sha256").asText()));
        }
        if (seal.path("file_count").asInt(-1) != recorded.size()) {
            findings.add(new Finding(name, Kind.CHAIN, ReportLayout.MANIFEST, "lists " + recorded.size()
                    + " files, the seal says " + seal.path("file_count").asInt(-1)));
        }
        String previousChain = seal.path("previous_chain_sha256").asText();
        if (!SealFormat.chainHash(previousChain, seal.path("manifest_sha256").asText())
                .equals(seal.path("chain_sha256").asText())) {
            findings.add(new Finding(name, Kind.CHAIN, ReportLayout.SEAL, "chain_sha256 does not follow from "
                    + "previous_chain_sha256 and manifest_sha256"));
        }
        checkLink(day, name, previous, manifest, seal, findings);
        boolean signed = checkSignature(day, name, seal, sealBytes, pinnedKey, findings);
        return new DayResult(name, recorded.size(), true, signed);
    }

    private static void checkFiles(Path day, String name, Map<String, JsonNode> recorded, List<Finding> findings)
            throws IOException {
        Set<String> present = new HashSet<>();
        for (Path f : DayFiles.list(day)) {
            present.add(ReportLayout.relative(day, f));
        }
        for (Map.Entry<String, JsonNode> r : recorded.entrySet()) {
            Path f = day.resolve(r.getKey());
            if (!present.contains(r.getKey()) || !Files.isRegularFile(f)) {
                findings.add(new Finding(name, Kind.MISSING, r.getKey(), "recorded in the manifest, not in the folder"));
                continue;
            }
            long size = Files.size(f);
            String sha = DayManifest.sha256(f);
            String wantSha = r.getValue().path("sha256").asText();
            long wantSize = r.getValue().path("size").asLong(-1);
            if (!sha.equals(wantSha) || size != wantSize) {
                findings.add(new Finding(name, Kind.CHANGED, r.getKey(), "sha256 " + sha + " (" + size
                        + " bytes), the manifest says " + wantSha + " (" + wantSize + " bytes)"));
            }
        }
        for (String p : present) {
            if (!recorded.containsKey(p)) {
                findings.add(new Finding(name, Kind.EXTRA, p, "in the folder, not in the manifest"));
            }
        }
    }

    private static void checkLink(Path day, String name, Path previous, JsonNode manifest, JsonNode seal,
            List<Finding> findings) throws IOException {
        String previousDay = seal.path("previous_day").isTextual() ? seal.path("previous_day").asText() : null;
        if (previousDay == null) {
            if (!SealFormat.GENESIS.equals(seal.path("previous_chain_sha256").asText())) {
                findings.add(new Finding(name, Kind.CHAIN, ReportLayout.SEAL, "names no previous day but carries a "
                        + "previous chain hash"));
            } else if (previous != null && ReportLayout.isSealed(previous)) {
                findings.add(new Finding(name, Kind.CHAIN, ReportLayout.SEAL, "starts a new chain although "
                        + previous.getFileName() + " is sealed before it"));
            }
            return;
        }
        Path prevFolder = day.getParent().resolve(previousDay);
        if (!Files.isDirectory(prevFolder)) {
            if (previous == null) {
                findings.add(new Finding(name, Kind.NOTE, null, "the chain is checked from here: the previous day "
                        + previousDay + " is not in this copy"));
            } else {
                findings.add(new Finding(name, Kind.CHAIN, null, "the previous sealed day " + previousDay
                        + " is missing from the folder"));
            }
            return;
        }
        if (previous != null && !DayFiles.nameOf(previous).equals(previousDay)
                && ReportLayout.isSealed(previous)) {
            findings.add(new Finding(name, Kind.CHAIN, null, "links to " + previousDay + ", skipping the sealed day "
                    + previous.getFileName()));
        }
        Path prevManifest = prevFolder.resolve(ReportLayout.MANIFEST);
        Path prevSeal = prevFolder.resolve(ReportLayout.SEAL);
        if (!Files.exists(prevManifest) || !Files.exists(prevSeal)) {
            findings.add(new Finding(name, Kind.CHAIN, null, "the previous day " + previousDay
                    + " has no manifest or seal to link to"));
            return;
        }
        String prevManifestSha = DayManifest.sha256(prevManifest);
        if (!prevManifestSha.equals(manifest.path(SealFormat.PREVIOUS_MANIFEST_SHA256).asText())) {
            findings.add(new Finding(name, Kind.CHAIN, ReportLayout.MANIFEST, "previous_manifest_sha256 does not "
                    + "match " + previousDay + "/" + ReportLayout.MANIFEST + " (sha256 " + prevManifestSha + ")"));
        }
        JsonNode prev;
        try {
            prev = MAPPER.readTree(Files.readAllBytes(prevSeal));
        } catch (IOException e) {
            return; // reported at that day
        }
        if (!prev.path("chain_sha256").asText().equals(seal.path("previous_chain_sha256").asText())) {
            findings.add(new Finding(name, Kind.CHAIN, ReportLayout.SEAL, "previous_chain_sha256 does not match "
                    + previousDay + "'s chain_sha256"));
        }
    }

    private static boolean checkSignature(Path day, String name, JsonNode seal, byte[] sealBytes, PublicKey pinned,
            List<Finding> findings) throws IOException {
        Path sigFile = day.resolve(ReportLayout.SEAL_SIGNATURE);
        boolean claims = seal.has("signature") && seal.get("signature").isObject();
        if (!claims && !Files.exists(sigFile)) {
            if (pinned != null) {
                findings.add(new Finding(name, Kind.SIGNATURE, ReportLayout.SEAL, "not signed, but a public key "
                        + "was given"));
            }
            return false;
        }
        if (!Files.exists(sigFile)) {
            findings.add(new Finding(name, Kind.SIGNATURE, ReportLayout.SEAL_SIGNATURE, "missing"));
            return false;
        }
        PublicKey key = pinned;
        if (key == null) {
            Path published = day.resolve(ReportLayout.PUBLIC_KEY);
            if (!Files.exists(published)) {
                findings.add(new Finding(name, Kind.SIGNATURE, ReportLayout.PUBLIC_KEY, "missing: the signature "
                        + "cannot be checked"));
                return false;
            }
            try {
                key = SealKeys.readPublic(Files.readAllBytes(published));
            } catch (Exception e) {
                findings.add(new Finding(name, Kind.SIGNATURE, ReportLayout.PUBLIC_KEY, "not an Ed25519 public key"));
                return false;
            }
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(Files.readString(sigFile, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            findings.add(new Finding(name, Kind.SIGNATURE, ReportLayout.SEAL_SIGNATURE, "not base64"));
            return false;
        }
        if (!SealKeys.verify(key, sealBytes, signature)) {
            findings.add(new Finding(name, Kind.SIGNATURE, ReportLayout.SEAL, "the Ed25519 signature does not "
                    + "verify with " + (pinned != null ? "the given public key" : ReportLayout.PUBLIC_KEY)));
            return false;
        }
        return true;
    }
}
