package dev.selfheal.evidence;

import dev.selfheal.reports.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The end of route {@code github-download}: streams the HTTP body into {@code evidenceTarget} (a temp file,
 * then an atomic rename), computing size and SHA-256 on the way, stopping at {@code evidenceMaxBytes}. Memory
 * use is one 64 KB buffer whatever the size.
 */
@Component("evidenceDownloads")
public class EvidenceDownloads {

    public static final String TARGET = "evidenceTarget";
    public static final String MAX_BYTES = "evidenceMaxBytes";
    /** Output: the {@link Download} written. */
    public static final String RESULT = "evidenceDownload";
    /** Output when nothing was written: why. */
    public static final String ERROR = "evidenceDownloadError";

    public record Download(Path file, long bytes, String sha256) {
    }

    public void save(Exchange exchange) throws IOException {
        Path target = Path.of(exchange.getProperty(TARGET, String.class));
        long max = exchange.getProperty(MAX_BYTES, Long.MAX_VALUE, Long.class);
        exchange.removeProperty(RESULT);
        exchange.removeProperty(ERROR);
        if (dev.selfheal.github.GitHubApi.failed(exchange)) {
            // the call was dead-lettered or waits for the rate limit: githubFailure says why, nothing to write
            exchange.setProperty(ERROR, String.valueOf(exchange.getProperty("githubFailure")));
            return;
        }
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            if (in == null) {
                exchange.setProperty(ERROR, "empty answer");
                return;
            }
            Download d = write(in, target, max);
            if (d == null) {
                exchange.setProperty(ERROR, "larger than the limit of " + max + " bytes (selfheal.evidence.max-artifact-bytes)");
            } else {
                exchange.setProperty(RESULT, d);
            }
        }
        exchange.getMessage().setBody(null);
    }

    /** Streams {@code in} to {@code target}; null (and nothing left behind) when it exceeds {@code max}. */
    public static Download write(InputStream in, Path target, long max) throws IOException {
        AtomicFiles.Written w = AtomicFiles.write(target, out -> {
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > max) {
                    return false;
                }
                out.write(buf, 0, n);
            }
            return true;
        });
        return w == null ? null : new Download(target, w.size(), w.sha256());
    }
}
