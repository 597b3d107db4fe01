package dev.selfheal.snapshots;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code selfheal snapshots list | diff A B | restore ID} without Spring: the list names each snapshot, the diff
 * shows the changed lines masked by the config's mask rules, restore writes the files back, and a bad id or bad
 * usage exits 2 with one line on stderr.
 */
class SnapshotsCommandTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void listDiffAndRestore() throws IOException {
        Path config = Files.createDirectories(dir.resolve("config"));
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.copy(Path.of("config/phase4-mask-rules.json"), config.resolve("phase4-mask-rules.json"));
        Files.writeString(config.resolve("notes.json"), "{\n  \"owner\": \"ops\",\n  \"limit\": 3\n}\n");
        Files.writeString(routes.resolve("x.yaml"), "- route:\n    id: x-one\n");
        Snapshots snapshots = new Snapshots(dir.resolve("data"), config, routes);
        snapshots.take("start");
        String token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
        Files.writeString(config.resolve("notes.json"), "{\n  \"owner\": \"" + token + "\",\n  \"limit\": 3\n}\n");
        snapshots.take("change");

        assertThat(run("list")).isZero();
        assertThat(out.toString()).contains("0001", "start", "0002", "change");

        assertThat(run("diff", "1", "2")).isZero();
        assertThat(out.toString()).contains("changed config/notes.json", "- 2:   \"owner\": \"ops\",", "+ 2:")
                .doesNotContain(token).doesNotContain("x.yaml");

        assertThat(run("restore", "1")).isZero();
        assertThat(out.toString()).contains("restored snapshot 0001", "config/notes.json");
        assertThat(Files.readString(config.resolve("notes.json"))).contains("\"owner\": \"ops\"");

        assertThat(run("restore", "42")).isEqualTo(2);
        assertThat(err.toString()).contains("no snapshot 42");
        assertThat(run("diff", "1")).isEqualTo(2);
        assertThat(run("frobnicate")).isEqualTo(2);
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data-dir";
        all[args.length + 1] = dir.resolve("data").toString();
        all[args.length + 2] = "--config-dir";
        all[args.length + 3] = dir.resolve("config").toString();
        all[args.length + 4] = "--routes-dir";
        all[args.length + 5] = dir.resolve("routes").toString();
        return SnapshotsCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    }
}
