package dev.selfheal.evidence;

import dev.selfheal.reports.AtomicFiles;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The free space every evidence write leaves on its volume ({@code selfheal.evidence.min-free-bytes}, 64 MiB in
 * application.yaml): below it a write fails as on a full disk, before a byte is written, so the volume never fills to the
 * last byte (the day logs are appended into the reserve; PostgreSQL may share the volume). The collection is tried
 * again with the evidence consumer's back-off and succeeds once space is back.
 */
@Component
public class EvidenceVolume {

    public EvidenceVolume(@Value("${selfheal.evidence.min-free-bytes}") long minFreeBytes) {
        AtomicFiles.keepFree(minFreeBytes);
    }
}
