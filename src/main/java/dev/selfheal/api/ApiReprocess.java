package dev.selfheal.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.evidence.InboxFile;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * POST /api/v1/reprocess: the inbox's contract over HTTP. The body is what an inbox file holds ({@code owner/repo
 * RUN_ID} per line, or a bare id when one repository is watched; comments and blank lines allowed), checked by
 * the inbox's own parser and limits (64 KiB, strict UTF-8, 200 characters a line, watched repositories only).
 * A body with a bad line is refused whole (422, a reason per line) and nothing is processed; a good one is
 * written atomically into the inbox, where route evidence-inbox handles it as any dropped file (202).
 */
@Component("apiReprocess")
public class ApiReprocess {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final InboxFile inbox;
    private final Path inboxDir;
    private final ReportLog reportLog;
    private final Sanitizer sanitizer;
    private final ObjectMapper mapper;

    public ApiReprocess(InboxFile inbox, SelfhealProperties properties, ReportLog reportLog, Sanitizer sanitizer,
            ObjectMapper mapper) {
        this.inbox = inbox;
        this.inboxDir = properties.inboxDir();
        this.reportLog = reportLog;
        this.sanitizer = sanitizer;
        this.mapper = mapper;
    }

    public void accept(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        String keyId = in.getHeader(ApiGate.KEY_ID_HEADER, String.class);
        byte[] body = in.getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw ApiProblem.badRequest("The body is empty: give one 'owner/repo RUN_ID' per line.");
        }
        if (body.length > InboxFile.MAX_BYTES) {
            throw new ApiProblem(413, "too-large", "The body has more than " + InboxFile.MAX_BYTES
                    + " bytes (the inbox's limit): split it.");
        }
        List<String> errors = new ArrayList<>();
        String text = InboxFile.decode(body, errors);
        List<InboxFile.RunLine> runs = text == null ? List.of() : inbox.parse(text, errors);
        if (runs.isEmpty() && errors.isEmpty()) {
            errors.add("the body holds no run");
        }
        if (!errors.isEmpty()) {
            reportLog.append("api", "key " + keyId + " reprocess refused: " + errors.size() + " bad line(s), nothing processed");
            throw new ApiProblem(422, "bad-runs", "Nothing was processed: fix the lines named in errors and send "
                    + "the whole list again.", errors);
        }
        String name = "api-" + STAMP.format(Instant.now()) + "-" + keyId + "-"
                + UUID.randomUUID().toString().substring(0, 8) + ".txt";
        Files.createDirectories(inboxDir);
        AtomicFiles.write(inboxDir.resolve(name), text.getBytes(StandardCharsets.UTF_8));
        reportLog.append("api", "key " + keyId + " queued " + runs.size() + " run(s) for re-processing as inbox file " + name);

        ObjectNode answer = mapper.createObjectNode();
        answer.put("accepted", runs.size());
        answer.put("inboxFile", name);
        ArrayNode list = answer.putArray("runs");
        runs.forEach(r -> list.addObject().put("repository", r.repository()).put("runId", r.runId()));
        ApiAnswers.json(exchange, 202, sanitizer.sanitize(answer).toString());
    }
}
