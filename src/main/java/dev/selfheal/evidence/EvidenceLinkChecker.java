package dev.selfheal.evidence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Reports every relative Markdown link in a day folder's {@code .md} files (index, audit summary, tickets)
 * whose target file does not exist. Web links are not followed (auditors may be offline).
 */
@Component
public class EvidenceLinkChecker {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    public record BrokenLink(Path file, int line, String target) {
        @Override
        public String toString() {
            return file.getFileName() + ":" + line + " -> " + target;
        }
    }

    public List<BrokenLink> check(Path dayFolder) {
        List<BrokenLink> broken = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dayFolder)) {
            for (Path md : files.filter(p -> p.toString().endsWith(".md")).toList()) {
                List<String> lines = Files.readAllLines(md);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = LINK.matcher(lines.get(i));
                    while (m.find()) {
                        String target = m.group(1);
                        if (target.contains("://") || target.startsWith("#") || target.startsWith("mailto:")) {
                            continue;
                        }
                        String path = target.split("#", 2)[0];
                        if (!Files.exists(md.getParent().resolve(path).normalize())) {
                            broken.add(new BrokenLink(md, i + 1, target));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check links under " + dayFolder, e);
        }
        return broken;
    }
}
