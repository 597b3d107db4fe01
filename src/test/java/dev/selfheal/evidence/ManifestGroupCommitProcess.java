package dev.selfheal.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.sanitize.ConfiguredSanitizer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * A JVM queueing manifest updates without waiting for each one: {@code <manifest> <firstRunId> <count> <padding>}.
 * Up to 256 updates are in flight; "done N" is printed once the write holding run id N is on disk, so a test that
 * kills this process knows which updates it was told were durable.
 */
public final class ManifestGroupCommitProcess {

    public static void main(String[] args) throws InterruptedException {
        Path manifest = Path.of(args[0]);
        long first = Long.parseLong(args[1]);
        int count = Integer.parseInt(args[2]);
        String pad = "p".repeat(Integer.parseInt(args[3]));
        ManifestWriter writer = new ManifestWriter(ConfiguredSanitizer.withOwnSecrets());
        ObjectMapper mapper = new ObjectMapper();
        Semaphore inFlight = new Semaphore(256);
        for (int i = 0; i < count; i++) {
            long runId = first + i;
            ObjectNode entry = mapper.createObjectNode().put("run_id", runId).put("padding", pad);
            inFlight.acquire();
            writer.mergeAsync(manifest, List.of(entry)).whenComplete((size, failure) -> {
                if (failure == null) {
                    System.out.println("done " + runId);
                    System.out.flush();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(256);
    }
}
