package dev.selfheal.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.github.GitHubApi;
import dev.selfheal.github.GitHubDeadLetter;
import dev.selfheal.github.GitHubPaths;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.reports.ReportLog;
import dev.selfheal.routes.ExchangeProperties;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Evidence Collector, called step by step from routes/evidence.yaml for one run (exchange properties
 * {@code repository}, {@code runId}): metadata, artifacts (list, download, size, SHA-256) and the run's logs
 * (sanitized, one file per job) under {@code artifacts/<RUN_ID>/} of the JST day folder of the run. A part that
 * fails is recorded as missing with the reason and the rest is still collected; at the end an
 * {@code evidence_collected} event (files, hashes) and, if anything is missing, an {@code evidence_missing} event
 * are recorded and the day's summaries regenerated.
 */
@Component("evidenceCollector")
public class EvidenceCollector {

    public static final String CONSUMER = "evidence";
    public static final String STATE = "evidenceState";
    public static final String EVENT = "evidenceEvent";
    public static final String RUN_JSON = "evidenceRunJson";
    private static final Logger LOG = LoggerFactory.getLogger(EvidenceCollector.class);

    /** What one collection found so far. */
    public static final class State {
        final String repository;
        final long runId;
        Instant runTime;
        /** The RUNS_SUMMARY fields of the run, from its metadata. */
        Map<String, Object> run;
        final List<Map<String, Object>> files = new ArrayList<>();
        final List<String> missing = new ArrayList<>();
        final List<String> notSelected = new ArrayList<>();

        State(String repository, long runId, Instant runTime) {
            this.repository = repository;
            this.runId = runId;
            this.runTime = runTime;
        }
    }

    private final Outbox outbox;
    private final ReportFolders folders;
    private final Sanitizer sanitizer;
    private final EvidenceSummaries summaries;
    private final ReportLog log;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final long maxArtifactBytes;
    private final ArtifactPatterns patterns;

    public EvidenceCollector(Outbox outbox, ReportFolders folders, Sanitizer sanitizer, EvidenceSummaries summaries,
            ReportLog log, @Value("${selfheal.evidence.max-artifact-bytes:1073741824}") long maxArtifactBytes,
            @Value("${selfheal.evidence.artifact-patterns:*}") String artifactPatterns) {
        this.patterns = new ArtifactPatterns(artifactPatterns);
        this.outbox = outbox;
        this.folders = folders;
        this.sanitizer = sanitizer;
        this.summaries = summaries;
        this.log = log;
        this.maxArtifactBytes = maxArtifactBytes;
    }

    /** Due run events for consumer {@value #CONSUMER}; the lease outlasts a slow collection. */
    /** From a claimed event: the run to collect. Events without a run are done at once. */
    public boolean startFromEvent(Exchange exchange) {
        Outbox.Event event = exchange.getMessage().getBody(Outbox.Event.class);
        exchange.setProperty(EVENT, event);
        if (event.runId() == null || event.repository() == null) {
            return false;
        }
        exchange.setProperty(ExchangeProperties.REPOSITORY, event.repository());
        exchange.setProperty(ExchangeProperties.RUN_ID, event.runId());
        return true;
    }

    /** Begins a collection for properties repository/runId; the run's own time comes with the metadata. */
    public void start(Exchange exchange) {
        String repository = exchange.getProperty(ExchangeProperties.REPOSITORY, String.class);
        long runId = exchange.getProperty(ExchangeProperties.RUN_ID, Long.class);
        Outbox.Event event = exchange.getProperty(EVENT, Outbox.Event.class);
        exchange.setProperty(STATE, new State(repository, runId, event == null ? folders.now() : event.occurredAt()));
        exchange.removeProperty(RUN_JSON);
        call(exchange, GitHubPaths.run(repository, runId));
    }

    /** Writes metadata.json (the audit fields, then GitHub's run object), or records why it is missing. */
    public void saveMetadata(Exchange exchange) throws IOException {
        State s = state(exchange);
        String body = exchange.getMessage().getBody(String.class);
        if (failed(exchange, s, "metadata") || body == null || body.isBlank()) {
            if (exchange.getProperty(GitHubDeadLetter.FAILURE) == null) {
                s.missing.add("metadata: empty answer from GitHub");
            }
            return;
        }
        JsonNode run = mapper.readTree(body);
        exchange.setProperty(RUN_JSON, body);
        String time = run.path("updated_at").asText(run.path("run_started_at").asText(null));
        if (time != null) {
            s.runTime = Instant.parse(time);
        }
        ObjectNode meta = mapper.createObjectNode();
        meta.put("run_id", s.runId);
        meta.put("repository", s.repository);
        meta.put("url", run.path("html_url").asText(null));
        meta.put("workflow_name", run.path("name").asText(null));
        meta.put("run_attempt", run.path("run_attempt").asInt(1));
        meta.put("actor", run.path("actor").path("login").asText(null));
        meta.put("event", run.path("event").asText(null));
        meta.put("status", run.path("status").asText(null));
        meta.put("conclusion", run.path("conclusion").asText(null));
        String started = run.path("run_started_at").asText(null);
        meta.put("started_at", started == null ? null : ReportFolders.utc(Instant.parse(started)));
        meta.put("completed_at", time == null ? null : ReportFolders.utc(s.runTime));
        if (started != null && time != null) {
            meta.put("duration_seconds", Duration.between(Instant.parse(started), s.runTime).toSeconds());
        }
        meta.put("collected_at", ReportFolders.utc(folders.now()));
        s.run = new LinkedHashMap<>();
        meta.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("url") && !f.getKey().equals("collected_at")) {
                s.run.put(f.getKey(), mapper.convertValue(f.getValue(), Object.class));
            }
        });
        s.run.put("html_url", meta.get("url").asText(null));
        meta.set("github_run", run);
        Path file = runDir(s).resolve("metadata.json");
        byte[] bytes = sanitizer.release(mapper.writeValueAsString(meta), file.toString())
                .getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, bytes);
        s.files.add(fileEntry("metadata", file, bytes.length, sha256(file)));
        call(exchange, GitHubPaths.runArtifacts(s.repository, s.runId));
        exchange.setProperty(GitHubApi.ITEMS_FIELD, "artifacts");
    }

    /** The artifacts to download: expired ones and those over the size limit are recorded as missing. */
    public List<JsonNode> selectArtifacts(Exchange exchange) {
        State s = state(exchange);
        @SuppressWarnings("unchecked")
        List<JsonNode> all = exchange.getMessage().getBody(List.class);
        List<JsonNode> chosen = new ArrayList<>();
        if (failed(exchange, s, "artifact list") || all == null) {
            return chosen;
        }
        for (JsonNode a : all) {
            String name = a.path("name").asText("artifact-" + a.path("id").asLong());
            if (!patterns.matches(name)) {
                s.notSelected.add(name);
            } else if (a.path("expired").asBoolean(false)) {
                s.missing.add("artifact " + name + ": expired on GitHub");
            } else if (a.path("size_in_bytes").asLong(0) > maxArtifactBytes) {
                s.missing.add("artifact " + name + ": " + a.path("size_in_bytes").asLong() + " bytes, over the limit of "
                        + maxArtifactBytes + " (selfheal.evidence.max-artifact-bytes)");
            } else {
                chosen.add(a);
            }
        }
        return chosen;
    }

    /** Before one artifact's download (the split body is the artifact JSON). */
    public void prepareArtifact(Exchange exchange) {
        State s = state(exchange);
        JsonNode a = exchange.getMessage().getBody(JsonNode.class);
        String name = a.path("name").asText().replaceAll("[^A-Za-z0-9._-]+", "_");
        exchange.setProperty("evidencePart", "artifact " + a.path("name").asText());
        exchange.setProperty("evidenceKind", "artifact");
        exchange.setProperty(EvidenceDownloads.TARGET, runDir(s).resolve("artifact_" + name + ".zip").toString());
        exchange.setProperty(EvidenceDownloads.MAX_BYTES, maxArtifactBytes);
        call(exchange, GitHubPaths.artifactZip(s.repository, a.path("id").asLong()));
    }

    /** Before the log zip's download. */
    public void prepareLogs(Exchange exchange) {
        State s = state(exchange);
        exchange.setProperty("evidencePart", "logs");
        exchange.setProperty("evidenceKind", "logs");
        exchange.setProperty(EvidenceDownloads.TARGET, runDir(s).resolve(".logs.zip").toString());
        exchange.setProperty(EvidenceDownloads.MAX_BYTES, maxArtifactBytes);
        call(exchange, GitHubPaths.runLogs(s.repository, s.runId));
    }

    /** After a download: the file with its size and hash, or why it is missing; logs are unpacked, sanitized. */
    public void recordDownload(Exchange exchange) throws IOException {
        State s = state(exchange);
        String part = exchange.getProperty("evidencePart", String.class);
        if (failed(exchange, s, part)) {
            return;
        }
        EvidenceDownloads.Download d = exchange.getProperty(EvidenceDownloads.RESULT, EvidenceDownloads.Download.class);
        if (d == null) {
            s.missing.add(part + ": " + exchange.getProperty(EvidenceDownloads.ERROR, "not downloaded", String.class));
            return;
        }
        if ("logs".equals(exchange.getProperty("evidenceKind"))) {
            RunLogArchive.Result logs = RunLogArchive.extract(d.file(), runDir(s), sanitizer);
            for (Path f : logs.written()) {
                s.files.add(fileEntry("log", f, Files.size(f), sha256(f)));
            }
            s.missing.addAll(logs.missing());
            Map<String, Object> zip = new LinkedHashMap<>();
            zip.put("type", "logs_zip_as_downloaded");
            zip.put("size_bytes", d.bytes());
            zip.put("sha256", d.sha256());
            s.files.add(zip);
        } else {
            s.files.add(fileEntry("artifact", d.file(), d.bytes(), d.sha256()));
            // the zip stays byte-exact; what its text entries hold is reported beside it
            Path findings = ArtifactSecretScan.write(d.file(), sanitizer, mapper);
            s.files.add(fileEntry("artifact_secret_scan", findings, Files.size(findings), sha256(findings)));
        }
    }

    /** Records the outcome (events, day log, _manifest.json through the summaries) and regenerates the day. */
    public void finish(Exchange exchange) throws IOException {
        State s = state(exchange);
        Path day = folders.dayFolder(s.runTime);
        Map<String, Object> provenance = checkProvenance(s);
        for (Map<String, Object> f : s.files) {
            Object path = f.get("path");
            if (path != null) {
                f.put("path", day.toAbsolutePath().normalize()
                        .relativize(Path.of(path.toString()).toAbsolutePath().normalize()).toString());
            }
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("repository", s.repository);
        payload.put("runId", s.runId);
        payload.put("day", ReportFolders.jstDate(s.runTime).toString());
        payload.put("artifact_path", "artifacts/" + s.runId + "/");
        if (s.run != null) {
            payload.put("run", s.run);
        }
        payload.put("evidence_type", s.missing.isEmpty() ? "complete" : "partial");
        payload.put("recorded_at", ReportFolders.utc(folders.now()));
        payload.put("files", s.files);
        payload.put("missing", s.missing);
        payload.put("provenance", provenance);
        if (!s.notSelected.isEmpty()) {
            payload.put("not_selected", s.notSelected);
        }
        outbox.record("evidence_collected", s.repository, s.runId, null, payload);
        if (!s.missing.isEmpty()) {
            Map<String, Object> missing = new LinkedHashMap<>();
            missing.put("repository", s.repository);
            missing.put("runId", s.runId);
            missing.put("missing", String.join("; ", s.missing));
            outbox.record("evidence_missing", s.repository, s.runId, null, missing);
        }
        log.append("evidence", "run " + s.repository + "#" + s.runId + " files=" + s.files.size()
                + " missing=" + s.missing);
        summaries.regenerate(s.runTime);
        // the day log line (selfheal.evidence) already tells the console
        LOG.debug("evidence of {}#{}: {} files, missing {}", s.repository, s.runId, s.files.size(), s.missing);
    }

    /**
     * The run's provenance statements against its collected artifacts ({@link ProvenanceCheck}), written as
     * {@code provenance.json} beside them when there is a statement, and logged.
     */
    private Map<String, Object> checkProvenance(State s) throws IOException {
        List<Path> zips = new ArrayList<>();
        for (Map<String, Object> f : s.files) {
            if ("artifact".equals(f.get("type"))) {
                zips.add(Path.of(f.get("path").toString()));
            }
        }
        Map<String, Object> result = ProvenanceCheck.check(zips, mapper);
        if (!"none".equals(result.get("status"))) {
            Path file = runDir(s).resolve("provenance.json");
            byte[] bytes = sanitizer.release(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(result),
                    file.toString()).getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(file, bytes);
            s.files.add(fileEntry("provenance_check", file, bytes.length, sha256(file)));
            log.append("evidence", "run " + s.repository + "#" + s.runId + " provenance " + result.get("status")
                    + ": " + ((List<?>) result.get("subjects")).size() + " subject(s) in "
                    + ((List<?>) result.get("statements")).size() + " statement(s)");
        }
        return result;
    }

    /** A dry run of one run's collection (route evidence-dry-run): only the artifact list is asked for. */
    public void startDryRun(Exchange exchange) {
        String repository = exchange.getProperty(ExchangeProperties.REPOSITORY, String.class);
        long runId = exchange.getProperty(ExchangeProperties.RUN_ID, Long.class);
        exchange.setProperty(STATE, new State(repository, runId, folders.now()));
        call(exchange, GitHubPaths.runArtifacts(repository, runId));
        exchange.setProperty(GitHubApi.ITEMS_FIELD, "artifacts");
    }

    /** What a collection would fetch, one line each, nothing downloaded; the lines become the body. */
    public List<String> listDryRun(Exchange exchange) {
        State s = state(exchange);
        @SuppressWarnings("unchecked")
        List<JsonNode> all = exchange.getMessage().getBody(List.class);
        List<String> lines = new ArrayList<>();
        lines.add("dry run of " + s.repository + "#" + s.runId + " (artifact patterns: " + patterns + ")");
        if (failed(exchange, s, "artifact list") || all == null) {
            lines.add("cannot list: " + String.join("; ", s.missing));
            return lines;
        }
        lines.add("collect  metadata.json (the run)");
        List<JsonNode> chosen = new ArrayList<>(all);
        exchange.getMessage().setBody(chosen);
        List<JsonNode> selected = selectArtifacts(exchange);
        for (JsonNode a : all) {
            String name = a.path("name").asText("artifact-" + a.path("id").asLong());
            if (selected.contains(a)) {
                lines.add("collect  artifact " + name + " (" + a.path("size_in_bytes").asLong() + " bytes) -> artifact_"
                        + name.replaceAll("[^A-Za-z0-9._-]+", "_") + ".zip");
            } else if (s.notSelected.contains(name)) {
                lines.add("skip     artifact " + name + ": matches no selfheal.evidence.artifact-patterns");
            }
        }
        s.missing.forEach(m -> lines.add("skip     " + m));
        lines.add("collect  the run's job logs (sanitized text per job)");
        log.append("evidence", "dry run " + s.repository + "#" + s.runId + ": " + selected.size() + " of " + all.size()
                + " artifact(s) would be collected; nothing downloaded");
        exchange.getMessage().setBody(lines);
        return lines;
    }

    public void done(@ExchangeProperty(EVENT) Outbox.Event e) {
        outbox.done(e.id(), CONSUMER);
    }

    private boolean failed(Exchange exchange, State s, String part) {
        Object failure = exchange.getProperty(GitHubDeadLetter.FAILURE);
        if (failure instanceof Map<?, ?> f) {
            s.missing.add(part + ": GitHub " + f.get("status") + " " + f.get("category") + " " + f.get("message"));
            exchange.removeProperty(GitHubDeadLetter.FAILURE);
            return true;
        }
        return false;
    }

    private Path runDir(State s) {
        return folders.dayFolder(s.runTime, "artifacts/" + s.runId);
    }

    private static void call(Exchange exchange, String path) {
        exchange.setProperty(GitHubApi.METHOD, "GET");
        exchange.setProperty(GitHubApi.PATH, path);
        exchange.removeProperty(GitHubApi.QUERY);
        exchange.removeProperty(GitHubApi.ITEMS_FIELD);
        exchange.removeProperty(GitHubDeadLetter.FAILURE);
    }

    private static State state(Exchange exchange) {
        return exchange.getProperty(STATE, State.class);
    }

    private static Map<String, Object> fileEntry(String type, Path file, long bytes, String sha) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("path", file.toString());
        m.put("size_bytes", bytes);
        m.put("sha256", sha);
        return m;
    }

    static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
