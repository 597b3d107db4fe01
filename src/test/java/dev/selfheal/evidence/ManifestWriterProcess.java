package dev.selfheal.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.sanitize.ConfiguredSanitizer;
import java.nio.file.Path;

/**
 * A second JVM writing a manifest: {@code <manifest> <firstRunId> <count> [padding]}. Prints "updated N" after
 * each merge so a test can kill it at a known point; padding makes each entry large so writes take time.
 */
public final class ManifestWriterProcess {

    public static void main(String[] args) {
        Path manifest = Path.of(args[0]);
        long first = Long.parseLong(args[1]);
        int count = Integer.parseInt(args[2]);
        int padding = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        ManifestWriter writer = new ManifestWriter(ConfiguredSanitizer.withOwnSecrets());
        ObjectMapper mapper = new ObjectMapper();
        String pad = "p".repeat(padding);
        for (int i = 0; i < count; i++) {
            ObjectNode entry = mapper.createObjectNode();
            entry.put("run_id", first + i);
            entry.put("writer", "second-jvm");
            if (padding > 0) {
                entry.put("padding", pad);
            }
            writer.merge(manifest, entry);
            System.out.println("updated " + (i + 1));
            System.out.flush();
        }
    }
}
