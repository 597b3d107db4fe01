package dev.selfheal.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.reports.DayManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Provenance against what was collected: in-toto statements (SLSA provenance and others) found in a run's
 * artifacts ({@code provenance-*.json}, {@code *.intoto.json}, {@code *.intoto.jsonl}, {@code *.sigstore.json};
 * a bare statement, a DSSE envelope or a Sigstore bundle; JSON Lines allowed) name their subjects by SHA-256. Each
 * subject is compared with the collected artifact zips and the files inside them: {@code match} (a collected file
 * has that digest), {@code mismatch} (a collected file of that name has another digest) or {@code not_collected}.
 * The run's result is the worst of its subjects, or {@code none} without a statement.
 */
public final class ProvenanceCheck {

    private static final Pattern STATEMENT_FILE = Pattern.compile(
            "(^|.*/)(provenance-[^/]*\\.json|[^/]*\\.intoto\\.jsonl?|[^/]*\\.sigstore(\\.json)?)$");
    private static final String STATEMENT_TYPE = "https://in-toto.io/Statement/";
    private static final long MAX_STATEMENT_BYTES = 16L * 1024 * 1024;

    private ProvenanceCheck() {
    }

    /** The check over the collected artifact zips, as it goes into the evidence and the audit ticket. */
    public static Map<String, Object> check(List<Path> artifactZips, ObjectMapper mapper) throws IOException {
        Map<String, String> byDigest = new HashMap<>();
        Map<String, List<String>> digestsByName = new HashMap<>();
        List<Map<String, Object>> subjects = new ArrayList<>();
        List<String> statements = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (Path zip : artifactZips) {
            String zipName = zip.getFileName().toString();
            byDigest.put(DayManifest.sha256(zip), zipName);
            try (ZipFile file = new ZipFile(zip.toFile())) {
                for (ZipEntry e : file.stream().filter(e -> !e.isDirectory()).toList()) {
                    String sha = sha256(file, e);
                    byDigest.putIfAbsent(sha, zipName + "!" + e.getName());
                    digestsByName.computeIfAbsent(baseName(e.getName()), n -> new ArrayList<>()).add(sha);
                    if (STATEMENT_FILE.matcher(e.getName()).matches() && e.getSize() <= MAX_STATEMENT_BYTES) {
                        String label = zipName + "!" + e.getName();
                        int found = readStatements(file, e, mapper, label, subjects);
                        if (found > 0) {
                            statements.add(label);
                        } else {
                            unreadable.add(label);
                        }
                    }
                }
            } catch (java.util.zip.ZipException notAZip) {
                // an artifact GitHub served that is not a zip is still compared by its own digest
            }
        }
        String status = subjects.isEmpty() ? "none" : "match";
        for (Map<String, Object> s : subjects) {
            String sha = (String) s.get("sha256");
            if (sha != null && byDigest.containsKey(sha)) {
                s.put("result", "match");
                s.put("collected", byDigest.get(sha));
            } else if (digestsByName.containsKey(baseName((String) s.get("name")))) {
                s.put("result", "mismatch");
                s.put("collected_sha256", digestsByName.get(baseName((String) s.get("name"))));
                status = "mismatch";
            } else {
                s.put("result", "not_collected");
                if (!"mismatch".equals(status)) {
                    status = "not_collected";
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", status);
        out.put("statements", statements);
        if (!unreadable.isEmpty()) {
            out.put("unreadable", unreadable);
        }
        out.put("subjects", subjects);
        return out;
    }

    /** Statements in one file: the whole file as JSON, else one JSON value a line. */
    private static int readStatements(ZipFile file, ZipEntry e, ObjectMapper mapper, String label,
            List<Map<String, Object>> subjects) throws IOException {
        String text;
        try (InputStream in = file.getInputStream(e)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<JsonNode> values = new ArrayList<>();
        try {
            values.add(mapper.readTree(text));
        } catch (IOException notOneValue) {
            for (String line : text.split("\\R")) {
                if (!line.isBlank()) {
                    try {
                        values.add(mapper.readTree(line));
                    } catch (IOException badLine) {
                        // a line that is not JSON is not a statement
                    }
                }
            }
        }
        int found = 0;
        for (JsonNode v : values) {
            JsonNode statement = unwrap(v, mapper);
            if (statement == null) {
                continue;
            }
            found++;
            for (JsonNode subject : statement.path("subject")) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("statement", label);
                s.put("predicate_type", statement.path("predicateType").asText(null));
                s.put("name", subject.path("name").asText(""));
                String sha = subject.path("digest").path("sha256").asText(null);
                s.put("sha256", sha == null ? null : sha.toLowerCase(java.util.Locale.ROOT));
                subjects.add(s);
            }
        }
        return found;
    }

    /** The in-toto statement in a value: itself, a DSSE envelope's payload, or a Sigstore bundle's envelope. */
    private static JsonNode unwrap(JsonNode v, ObjectMapper mapper) {
        if (v == null || !v.isObject()) {
            return null;
        }
        if (v.has("dsseEnvelope")) {
            return unwrap(v.get("dsseEnvelope"), mapper);
        }
        if (v.has("payload") && v.path("payloadType").asText("").contains("in-toto")) {
            try {
                return unwrap(mapper.readTree(Base64.getDecoder().decode(v.get("payload").asText())), mapper);
            } catch (IOException | IllegalArgumentException e) {
                return null;
            }
        }
        return v.path("_type").asText("").startsWith(STATEMENT_TYPE) ? v : null;
    }

    private static String sha256(ZipFile file, ZipEntry e) throws IOException {
        MessageDigest md = DayManifest.sha256();
        try (InputStream in = file.getInputStream(e)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String baseName(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }
}
