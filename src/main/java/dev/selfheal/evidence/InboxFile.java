package dev.selfheal.evidence;

import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.selfheal.rollback.RollbackEngine;
import dev.selfheal.rollback.RollbackRequest;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * The operators' file drop ({@code <data-dir>/inbox/}): one run per line, {@code owner/repo 123456789} or a bare
 * id when exactly one repository is watched, or a rollback, {@code rollback owner/repo WORKFLOW REASON} (handled
 * after the file's runs); {@code #} comments and blank lines are skipped. Bad lines are kept
 * with the reason and written to {@code .error/<name>.errors}; the file then goes to {@code .error/}, else to
 * {@code .done/} (route evidence-inbox moves it by exchangeProperty.inboxOutcome). A file with a bad line is
 * processed not at all, so the fixed file can be dropped again without handling its good lines twice. A file is refused whole,
 * before it is read, when it is a symbolic link or larger than {@link #MAX_BYTES}; it is read as strict UTF-8,
 * line by line, with lines longer than {@link #MAX_LINE} refused; a repository must be a watched one. A file
 * with bad lines raises one notification for the whole file.
 */
@Component("inboxFile")
public class InboxFile {

    public static final String ERRORS = "inboxErrors";
    public static final String OUTCOME = "inboxOutcome";
    /** The file's good {@code rollback} lines, as rollback requests (handled after its runs). */
    public static final String ROLLBACKS = "inboxRollbacks";
    private static final Pattern ROLLBACK = Pattern.compile(
            "^rollback\\s+([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)\\s+(\\S+)\\s+(\\S.*)$");
    private static final Pattern LINE = Pattern.compile("^(?:([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)\\s+)?(\\d{1,19})$");
    /** A file of run ids: 64 KiB holds thousands of lines; anything larger is not one. */
    public static final long MAX_BYTES = 64 * 1024;
    static final int MAX_LINE = 200;
    /** The .errors file names at most this many lines, then says how many more. */
    static final int MAX_ERRORS = 100;

    public record RunLine(int line, String repository, long runId) {
    }

    private final List<String> watched;
    private final Sanitizer sanitizer;
    private final Outbox outbox;

    public InboxFile(SelfhealProperties properties, Sanitizer sanitizer, Outbox outbox) {
        this.watched = properties.github().repositories();
        this.sanitizer = sanitizer;
        this.outbox = outbox;
    }

    /** The good lines; the bad ones (or why the whole file is refused) are collected in exchangeProperty.inboxErrors. */
    public List<RunLine> parse(Exchange exchange) throws IOException {
        List<String> errors = new ArrayList<>();
        List<RollbackRequest> rollbacks = new ArrayList<>();
        exchange.setProperty(ERRORS, errors);
        exchange.setProperty(ROLLBACKS, List.of());
        Path file = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        String text = read(file, errors);
        if (text == null) {
            return List.of();
        }
        String name = printable(exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, "?", String.class));
        List<RunLine> runs = parse(text, errors, rollbacks, name);
        if (runs.isEmpty() && rollbacks.isEmpty() && errors.isEmpty()) {
            errors.add("the file holds no run");
        }
        if (!errors.isEmpty()) {
            // all or nothing: once the operator fixes the file and drops it again, no run is handled twice
            if (!runs.isEmpty() || !rollbacks.isEmpty()) {
                errors.add("nothing in this file was processed: fix the lines above and drop the file again");
            }
            return List.of();
        }
        exchange.setProperty(ROLLBACKS, List.copyOf(rollbacks));
        return runs;
    }

    /** Split source after the runs: the file's rollback lines. */
    public List<RollbackRequest> rollbacks(@ExchangeProperty(ROLLBACKS) List<RollbackRequest> rollbacks) {
        return rollbacks == null ? List.of() : rollbacks;
    }

    /** The file's text, or null with the reason in {@code errors}; never more than MAX_BYTES is read. */
    static String read(Path file, List<String> errors) throws IOException {
        if (Files.isSymbolicLink(file)) {
            errors.add("the file is a symbolic link: refused (copy the file itself into the inbox)");
            return null;
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            errors.add("not a regular file: refused");
            return null;
        }
        if (attributes.size() > MAX_BYTES) {
            errors.add("the file has " + attributes.size() + " bytes, more than " + MAX_BYTES
                    + ": refused unread (split it into smaller files)");
            return null;
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes((int) MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            errors.add("the file grew past " + MAX_BYTES + " bytes while being read: refused");
            return null;
        }
        return decode(bytes, errors);
    }

    /** The bytes as strict UTF-8 text, or null with the reason in {@code errors}. */
    public static String decode(byte[] bytes, List<String> errors) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            errors.add("the file is not UTF-8 text (a binary file?): refused");
            return null;
        }
    }

    /** The good lines of a file's text; each bad line's reason is added to {@code errors}. */
    public List<RunLine> parse(String text, List<String> errors) {
        return parse(text, errors, new ArrayList<>(), "inbox");
    }

    List<RunLine> parse(String text, List<String> errors, List<RollbackRequest> rollbacks, String fileName) {
        List<RunLine> runs = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.length() > MAX_LINE) {
                errors.add("line " + (i + 1) + ": longer than " + MAX_LINE + " characters");
                continue;
            }
            if (line.startsWith("rollback ") || line.equals("rollback")) {
                rollbackLine(i + 1, line, errors, rollbacks, fileName);
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                errors.add("line " + (i + 1) + ": \"" + printable(line) + "\": expected 'owner/repo RUN_ID', a run id "
                        + "or 'rollback owner/repo WORKFLOW REASON'");
                continue;
            }
            String repo = m.group(1);
            if (repo != null && (isDots(repo.substring(0, repo.indexOf('/')))
                    || isDots(repo.substring(repo.indexOf('/') + 1)))) {
                errors.add("line " + (i + 1) + ": '.' and '..' are not repository names");
                continue;
            }
            if (repo != null && !watched.isEmpty() && !watched.contains(repo)) {
                errors.add("line " + (i + 1) + ": " + repo + " is not a watched repository (selfheal.github.repositories)");
                continue;
            }
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

    /** {@code rollback owner/repo WORKFLOW REASON}: checked as the rollback engine checks a request. */
    private void rollbackLine(int n, String line, List<String> errors, List<RollbackRequest> rollbacks,
            String fileName) {
        Matcher m = ROLLBACK.matcher(line);
        if (!m.matches()) {
            errors.add("line " + n + ": \"" + printable(line) + "\": expected 'rollback owner/repo WORKFLOW REASON'");
            return;
        }
        String repo = m.group(1);
        if (!watched.isEmpty() && !watched.contains(repo)) {
            errors.add("line " + n + ": " + repo + " is not a watched repository (selfheal.github.repositories)");
            return;
        }
        RollbackRequest request = new RollbackRequest(repo, m.group(2), m.group(3).strip(), "inbox file " + fileName,
                "inbox", null, null);
        try {
            RollbackEngine.refuseBad(request);
        } catch (IllegalArgumentException e) {
            errors.add("line " + n + ": " + printable(e.getMessage()));
            return;
        }
        rollbacks.add(request);
    }

    private static boolean isDots(String segment) {
        return segment.chars().allMatch(c -> c == '.');
    }

    /** A refused line as shown back: control characters replaced, so a line cannot forge another. */
    private static String printable(String line) {
        return line.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
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
        List<String> shown = errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors;
        String text = String.join("\n", shown) + "\n" + (errors.size() > MAX_ERRORS
                ? "... and " + (errors.size() - MAX_ERRORS) + " more bad lines\n" : "");
        AtomicFiles.write(dir.resolve(name + ".errors"), sanitizer.release(text, name + ".errors")
                .getBytes(StandardCharsets.UTF_8));
        // one notification for the file, however many lines were bad
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("ruleId", "inbox-file-refused");
        payload.put("type", "inbox file " + printable(name) + " has " + errors.size() + " bad line(s), see inbox/.error/"
                + printable(name) + ".errors");
        payload.put("file", printable(name));
        payload.put("errors", errors.size());
        payload.put("first", errors.get(0));
        outbox.record("detection", null, null, null, payload);
    }
}
