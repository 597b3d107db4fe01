package dev.selfheal.integrity;

import dev.selfheal.reports.ReportFolders;
import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import org.springframework.stereotype.Component;

/**
 * The bundle writer for the running service (the admin endpoint that streams a bundle calls this): the same
 * reproducible zip as the {@code bundle} command, of this service's report folders.
 */
@Component
public class EvidenceBundles {

    private final ReportFolders folders;

    public EvidenceBundles(ReportFolders folders) {
        this.folders = folders;
    }

    public EvidenceBundle.Contents write(LocalDate from, LocalDate to, OutputStream out) throws IOException {
        return EvidenceBundle.write(folders.root(), from, to, out);
    }
}
