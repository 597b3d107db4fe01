package dev.selfheal.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads one policy file: parse, check against its JSON Schema (classpath {@code schemas/<name>.schema.json}),
 * compile every regex it holds, then bind to a record. Every failure is a {@link PolicyFileException}.
 */
public final class JsonPolicyReader {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig SCHEMA_CONFIG = SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .formatAssertionsEnabled(true)
            .build();

    /** A policy with rules a schema cannot express; {@link #check} throws {@link PolicyFileException}. */
    public interface Checked {
        void check(Path file);
    }

    private JsonPolicyReader() {
    }

    public static <T> T read(Path file, Class<T> type) {
        JsonNode tree = parse(file);
        validate(file, tree);
        checkRegexes(file, tree, "");
        T policy = bind(file, tree, type);
        if (policy instanceof Checked checked) {
            checked.check(file);
        }
        return policy;
    }

    private static <T> T bind(Path file, JsonNode tree, Class<T> type) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (MismatchedInputException e) {
            String pointer = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()))
                    .reduce("", (a, b) -> a + "/" + b);
            throw new PolicyFileException(file, pointer, "type", e.getOriginalMessage(), e);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new PolicyFileException(file, "", "binding", e.getMessage(), e);
        }
    }

    private static JsonNode parse(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            JsonNode tree = MAPPER.readTree(in);
            if (tree == null || tree.isMissingNode()) {
                throw new PolicyFileException(file, "", "json", "the file is empty");
            }
            return tree;
        } catch (NoSuchFileException e) {
            throw new PolicyFileException(file, "", "exists",
                    "the file does not exist (selfheal.config-dir points at " + file.getParent() + ")");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new PolicyFileException(file, "", "json", "not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PolicyFileException(file, "", "readable", "cannot be read: " + e.getMessage(), e);
        }
    }

    private static void validate(Path file, JsonNode tree) {
        String schemaName = "schemas/" + file.getFileName().toString().replaceFirst("\\.json$", ".schema.json");
        InputStream schemaStream = JsonPolicyReader.class.getClassLoader().getResourceAsStream(schemaName);
        if (schemaStream == null) {
            throw new PolicyFileException(file, "", "known-file", "no schema " + schemaName + " for this file name");
        }
        JsonSchema schema = SCHEMAS.getSchema(schemaStream, SCHEMA_CONFIG);
        Set<ValidationMessage> errors = schema.validate(tree);
        errors.stream()
                // the deepest location is the most useful one to name (oneOf and allOf also report their parent)
                .max(Comparator.comparingInt((ValidationMessage m) -> m.getInstanceLocation().getNameCount())
                        .thenComparing(ValidationMessage::getMessage))
                .ifPresent(first -> {
                    throw new PolicyFileException(file, first.getInstanceLocation().toString(), first.getType(),
                            first.getError() + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""));
                });
    }

    /** Format assertions cover "regex" only loosely (ECMA dialect); compile with java.util.regex as used. */
    private static void checkRegexes(Path file, JsonNode node, String pointer) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                String child = pointer + "/" + field.getKey();
                if ((field.getKey().equals("pattern") || field.getKey().equals("regex")) && field.getValue().isTextual()) {
                    compile(file, child, field.getValue().asText());
                } else {
                    checkRegexes(file, field.getValue(), child);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (pointer.endsWith("/allowlist") && item.isTextual()) {
                    compile(file, pointer + "/" + i, item.asText());
                } else {
                    checkRegexes(file, item, pointer + "/" + i);
                }
            }
        }
    }

    private static void compile(Path file, String pointer, String regex) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new PolicyFileException(file, pointer, "regex",
                    "not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
    }
}
