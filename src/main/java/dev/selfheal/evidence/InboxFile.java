package dev.selfheal.evidence;

import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The operators' file drop ({@code <data-dir>/inbox/}): one run per line, {@code owner/repo 123456789} or a bare
 * id when exactly one repository is watched; {@code #} comments and blank lines are skipped. Bad lines are kept
 * with the reason and written to {@code .error/<name>.errors}; the file then goes to {@code .error/}, else to
 * {@code .done/} (route evidence-inbox moves it by exchangeProperty.inboxOutcome).
 */
@Component("inboxFile")
public class InboxFile {

    public static final String ERRORS = "inboxErrors";
    public static final String OUTCOME = "inboxOutcome";
    private static final Pattern LINE = Pattern.compile("^(?:([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)\\s+)?(\\d{1,19})$");

    public record RunLine(int line, String repository, long runId) {
    }

    private final List<String> watched;
    private final Sanitizer sanitizer;

    public InboxFile(SelfhealProperties properties, Sanitizer sanitizer) {
        this.watched = properties.github().repositories();
        this.sanitizer = sanitizer;
    }

    /** The good lines; the bad ones are collected in exchangeProperty.inboxErrors. */
    public List<RunLine> parse(Exchange exchange) {
        String text = exchange.getMessage().getBody(String.class);
        List<String> errors = new ArrayList<>();
        exchange.setProperty(ERRORS, errors);
        List<RunLine> runs = parse(text == null ? "" : text, errors);
        if (runs.isEmpty() && errors.isEmpty()) {
            errors.add("the file holds no run");
        }
        return runs;
    }

    List<RunLine> parse(String text, List<String> errors) {
        List<RunLine> runs = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                errors.add("line " + (i + 1) + ": \"" + line + "\": expected 'owner/repo RUN_ID' or a run id");
                continue;
            }
            String repo = m.group(1);
            if (repo == null) {
                if (watched.size() != 1) {
                    errors.add("line " + (i + 1) + ": a bare run id needs exactly one watched repository, "
                            + watched.size() + " are configured");
                    continue;
                }
                repo = watched.get(0);
            }
            long id;
            try {
                id = Long.parseLong(m.group(2));
            } catch (NumberFormatException e) {
                errors.add("line " + (i + 1) + ": run id out of range");
                continue;
            }
            if (id <= 0) {
                errors.add("line " + (i + 1) + ": run id must be positive");
                continue;
            }
            runs.add(new RunLine(i + 1, repo, id));
        }
        return runs;
    }

    /** Before one good line is handled. */
    public void prepareLine(Exchange exchange) {
        RunLine line = exchange.getMessage().getBody(RunLine.class);
        exchange.setProperty("repository", line.repository());
        exchange.setProperty("runId", line.runId());
        exchange.setProperty("inboxLine", line.line());
    }

    /** A good line whose run could not be fetched: an error line with GitHub's reason. */
    public void lineFailed(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<String> errors = exchange.getProperty(ERRORS, List.class);
        errors.add("line " + exchange.getProperty("inboxLine") + ": " + exchange.getProperty("repository") + " "
                + exchange.getProperty("runId") + ": the run could not be fetched again (metadata missing)");
    }

    /** Decides where the file goes and writes {@code .error/<name>.errors} when a line was bad. */
    public void conclude(Exchange exchange) throws IOException {
        @SuppressWarnings("unchecked")
        List<String> errors = exchange.getProperty(ERRORS, List.class);
        if (errors == null || errors.isEmpty()) {
            exchange.setProperty(OUTCOME, ".done");
            return;
        }
        exchange.setProperty(OUTCOME, ".error");
        Path dir = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PARENT, String.class)).resolve(".error");
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        String text = String.join("\n", errors) + "\n";
        AtomicFiles.write(dir.resolve(name + ".errors"), sanitizer.release(text, name + ".errors")
                .getBytes(StandardCharsets.UTF_8));
    }
}
