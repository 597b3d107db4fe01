package dev.selfheal.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.DayManifest;
import dev.selfheal.reports.FileLocks;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.reports.ReportLayout;
import dev.selfheal.reports.ReportLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Closes finished days (JST): the day's files all recorded in {@code _manifest.json} (logs as they stand, anything
 * no writer recorded as {@code found_at_seal}), the manifest linked to the previous sealed day's, then
 * {@code _seal.json} (manifest hash, chain hash, file count, time), signed when a key is configured
 * ({@code _seal.json.sig}, the public key published as {@code _seal_public_key.pem}). After that the day refuses
 * every write. Run by the Quartz route {@code integrity-seal} after midnight JST; days are sealed oldest first, so
 * a missed night is caught up in order.
 *
 * <p>The seal files are not passed through the sanitizer: they hold only hashes, dates and counts we computed,
 * and a masked hash would break the proof.
 */
@Component
public class DaySeals {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ReportFolders folders;
    private final SealSigner signer;
    private final ReportLog log;

    public DaySeals(ReportFolders folders, SealSigner signer, ReportLog log) {
        this.folders = folders;
        this.signer = signer;
        this.log = log;
    }

    /** Seals every unsealed day folder before today's (JST), oldest first; returns the days sealed. */
    public List<LocalDate> sealClosedDays() {
        LocalDate today = ReportFolders.jstDate(folders.now());
        List<LocalDate> sealed = new ArrayList<>();
        List<Path> days;
        try {
            days = DayFiles.dayFolders(folders.root());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folders.root(), e);
        }
        for (Path day : days) {
            LocalDate date = LocalDate.parse(day.getFileName().toString());
            if (date.isBefore(today) && !ReportLayout.isSealed(day) && seal(day) != null) {
                sealed.add(date);
            }
        }
        return sealed;
    }

    /** Seals one day folder; null when it was sealed already. */
    public ObjectNode seal(Path day) {
        try {
            // under the manifest's lock throughout: every write into the day takes it for its last step, so none
            // lands half before and half after the seal; another instance may have sealed the day meanwhile
            return FileLocks.locked(day.resolve(ReportLayout.MANIFEST),
                    () -> ReportLayout.isSealed(day) ? null : doSeal(day));
        } catch (IOException e) {
            throw new UncheckedIOException("sealing " + day + " failed; the day stays open: " + e.getMessage(), e);
        }
    }

    private ObjectNode doSeal(Path day) throws IOException {
        Instant now = folders.now();
        if (signer.signs()) {
            AtomicFiles.write(day.resolve(ReportLayout.PUBLIC_KEY),
                    SealKeys.pem(signer.publicKey()).getBytes(StandardCharsets.US_ASCII));
        }
        DayManifest.recordLogs(day);
        recordUnrecorded(day, now);

        Optional<Path> previous = previousSealed(day);
        JsonNode previousSeal = previous.isPresent() ? MAPPER.readTree(Files.readAllBytes(
                previous.get().resolve(ReportLayout.SEAL))) : null;
        DayManifest.update(day, root -> {
            root.put(SealFormat.DAY, day.getFileName().toString());
            root.put(SealFormat.PREVIOUS_DAY, previousSeal == null ? null : previousSeal.path("day").asText());
            root.put(SealFormat.PREVIOUS_MANIFEST_SHA256,
                    previousSeal == null ? null : previousSeal.path("manifest_sha256").asText());
        });

        byte[] manifest = Files.readAllBytes(day.resolve(ReportLayout.MANIFEST));
        String manifestSha = DayManifest.sha256(manifest);
        String previousChain = previousSeal == null ? null : previousSeal.path("chain_sha256").asText();
        ObjectNode seal = MAPPER.createObjectNode();
        seal.put("day", day.getFileName().toString());
        seal.put("manifest", ReportLayout.MANIFEST);
        seal.put("manifest_sha256", manifestSha);
        seal.put("file_count", DayManifest.files(MAPPER.readTree(manifest)).size());
        seal.put("previous_day", previousSeal == null ? null : previousSeal.path("day").asText());
        seal.put("previous_chain_sha256", previousChain == null ? SealFormat.GENESIS : previousChain);
        seal.put("chain_sha256", SealFormat.chainHash(previousChain, manifestSha));
        seal.put("sealed_at", ReportFolders.utc(now));
        if (signer.signs()) {
            ObjectNode sig = seal.putObject("signature");
            sig.put("algorithm", SealKeys.ALGORITHM);
            sig.put("file", ReportLayout.SEAL_SIGNATURE);
            sig.put("public_key", ReportLayout.PUBLIC_KEY);
        }
        byte[] sealBytes = MAPPER.writeValueAsBytes(seal);
        if (signer.signs()) {
            // the signature goes first: a day with _seal.json is complete
            AtomicFiles.write(day.resolve(ReportLayout.SEAL_SIGNATURE), (Base64.getEncoder()
                    .encodeToString(signer.sign(sealBytes)) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        AtomicFiles.write(day.resolve(ReportLayout.SEAL), sealBytes);
        log.append("evidence", "day " + day.getFileName() + " sealed: " + seal.get("file_count").asInt()
                + " files, manifest sha256 " + manifestSha + ", chain " + seal.get("chain_sha256").asText()
                + (signer.signs() ? ", signed (Ed25519)" : ", unsigned"));
        return seal;
    }

    /** Files in the folder no writer recorded (copied in by hand, or a writer killed before its record). */
    private static void recordUnrecorded(Path day, Instant now) throws IOException {
        Map<String, JsonNode> recorded = DayManifest.files(DayManifest.read(day.resolve(ReportLayout.MANIFEST)));
        List<DayManifest.FileRecord> found = new ArrayList<>();
        for (Path f : DayFiles.list(day)) {
            if (!recorded.containsKey(ReportLayout.relative(day, f))) {
                found.add(DayManifest.describe(day, f, now, "found_at_seal"));
            }
        }
        DayManifest.record(day, found);
    }

    private static Optional<Path> previousSealed(Path day) throws IOException {
        String name = day.getFileName().toString();
        Path last = null;
        for (Path d : DayFiles.dayFolders(day.getParent())) {
            if (d.getFileName().toString().compareTo(name) < 0 && ReportLayout.isSealed(d)) {
                last = d;
            }
        }
        return Optional.ofNullable(last);
    }
}
