package dev.selfheal.test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Copies of ./config for tests: the seed's policies with waits scaled down, or with one file changed. */
public final class TestPolicies {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestPolicies() {
    }

    /** The shipped config files in a temp dir. */
    public static Path copy() {
        try {
            Path dir = Files.createTempDirectory("selfheal-config");
            try (Stream<Path> files = Files.list(Path.of("config"))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The seed's policy with every wait divided by 100: back-off 50/100/200 ms instead of 5/10/20 s, HTTP
     * redelivery from 50 ms. Counts (3 re-runs, 3 redeliveries) stay as shipped; the CI guard's hourly limits
     * are lifted.
     */
    public static Path fast() {
        Path dir = copy();
        edit(dir, "phase4-retry-policy.json", policy -> {
            ((ObjectNode) policy.path("run").path("backoff")).put("initialSeconds", 0.05);
            ((ObjectNode) policy.path("http")).put("initialDelayMillis", 50);
            // every test class shares one database for the hour: the guard's budget and loop limit are tested
            // on their own (GuardBlocksRetryStormTest), not tripped by the suite's other re-runs
            ((ObjectNode) policy.path("guard")).put("maxRetriesPerHour", 1_000_000).put("maxSameCauseFailures", 1_000_000);
        });
        // likewise the kill switch's automatic conditions: a storm of the whole suite's re-runs must not engage it
        // in another test's context (the kill switch tests set their own conditions)
        edit(dir, "phase4-killswitch-rules.json", rules -> rules.putArray("conditions"));
        return dir;
    }

    /** {@link #fast()} with the back-off left out: the first re-run is due 1 ms after the failure is classified. */
    public static Path fastWithoutBackoff() {
        Path dir = fast();
        edit(dir, "phase4-retry-policy.json",
                policy -> ((ObjectNode) policy.path("run").path("backoff")).put("initialSeconds", 0.001));
        return dir;
    }

    /**
     * {@link #fast()} with a failed HTTP call redelivered once, after 10 ms: a notification test with GitHub down
     * goes through its delivery rounds in milliseconds.
     */
    public static Path fastSingleRedelivery() {
        Path dir = fast();
        edit(dir, "phase4-retry-policy.json",
                policy -> ((ObjectNode) policy.path("http")).put("initialDelayMillis", 10).put("maxRedeliveries", 1));
        return dir;
    }

    public static void edit(Path dir, String file, Consumer<ObjectNode> change) {
        try {
            ObjectNode tree = (ObjectNode) MAPPER.readTree(dir.resolve(file).toFile());
            change.accept(tree);
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(file).toFile(), tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
