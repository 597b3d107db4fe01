package dev.selfheal.bench;

import com.sun.net.httpserver.HttpServer;
import dev.selfheal.evidence.EvidenceDownloads;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/**
 * Streams a generated artifact of {@code <megabytes>} over HTTP into {@link EvidenceDownloads#write} and prints
 * the JVM's peak heap use; run under {@code /usr/bin/time -v} with a small -Xmx to show the size does not matter.
 * Usage: {@code DownloadMemoryBenchmark <target file> <megabytes>}.
 */
public final class DownloadMemoryBenchmark {

    public static void main(String[] args) throws Exception {
        long bytes = Long.parseLong(args[1]) * 1_000_000;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/artifact", ex -> {
            ex.sendResponseHeaders(200, bytes);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = ex.getResponseBody()) {
                for (long sent = 0; sent < bytes; sent += chunk.length) {
                    chunk[(int) (sent / chunk.length % chunk.length)]++;
                    out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
                }
            }
        });
        server.start();
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.getAddress().getPort() + "/artifact")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        EvidenceDownloads.Download d;
        try (InputStream in = r.body()) {
            d = EvidenceDownloads.write(in, Path.of(args[0]), Long.MAX_VALUE);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        server.stop(0);
        Runtime rt = Runtime.getRuntime();
        System.out.printf("wrote %d bytes in %.1f s (%.0f MB/s), sha256 %s, heap used at end %d MB, max heap %d MB%n",
                d.bytes(), s, d.bytes() / 1e6 / s, d.sha256(), (rt.totalMemory() - rt.freeMemory()) >> 20,
                rt.maxMemory() >> 20);
    }
}
