package dev.selfheal.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages under dev.selfheal depend on each other without cycles, so a module can be read, tested and
 * changed from the bottom up (sanitize and reports below everything that writes output). A plain scan of the
 * sources: every reference to {@code dev.selfheal.<package>.<Class>} is a dependency.
 */
class NoPackageCyclesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/selfheal");
    private static final Pattern PACKAGE = Pattern.compile("^package dev\\.selfheal\\.?([\\w.]*);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.selfheal\\.([a-z]+)\\.[A-Z]");

    @Test
    void packagesDependOnEachOtherWithoutCycles() throws IOException {
        Map<String, Set<String>> dependencies = dependencies();
        assertThat(dependencies).containsKeys("sanitize", "reports", "outbox");
        assertThat(cycles(dependencies)).isEmpty();
    }

    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher p = PACKAGE.matcher(source);
                String pkg = p.find() && !p.group(1).isEmpty() ? p.group(1) : "(root)";
                Set<String> used = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher r = REFERENCE.matcher(source);
                while (r.find()) {
                    if (!r.group(1).equals(pkg)) {
                        used.add(r.group(1));
                    }
                }
            }
        }
        return graph;
    }

    /** Each dependency path that leads back to where it started, as "a -> b -> a". */
    private static List<String> cycles(Map<String, Set<String>> graph) {
        List<String> found = new ArrayList<>();
        for (String start : graph.keySet()) {
            Deque<List<String>> paths = new ArrayDeque<>();
            paths.push(List.of(start));
            while (!paths.isEmpty()) {
                List<String> path = paths.pop();
                for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    if (next.equals(start)) {
                        found.add(String.join(" -> ", path) + " -> " + start);
                    } else if (!path.contains(next) && next.compareTo(start) > 0) {
                        List<String> longer = new ArrayList<>(path);
                        longer.add(next);
                        paths.push(longer);
                    }
                }
            }
        }
        return found;
    }
}
