package dev.selfheal.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Message;

/** The small JSON request bodies of the control endpoints: one object of short strings, refused clearly (400). */
final class ApiJsonBodies {

    private ApiJsonBodies() {
    }

    static JsonNode object(Message in, ObjectMapper mapper) {
        String text = in.getBody(String.class);
        if (text == null || text.isBlank()) {
            throw ApiProblem.badRequest("The body is empty: send a JSON object.");
        }
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || !node.isObject()) {
                throw ApiProblem.badRequest("The body is not a JSON object.");
            }
            return node;
        } catch (JsonProcessingException bad) {
            throw ApiProblem.badRequest("The body is not JSON: " + bad.getOriginalMessage());
        }
    }

    /** A required string field of at most {@code max} characters. */
    static String text(JsonNode body, String field, int max) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ApiProblem.badRequest("'" + field + "' is required (a string).");
        }
        String s = v.asText().trim();
        if (s.length() > max) {
            throw ApiProblem.badRequest("'" + field + "' is longer than " + max + " characters.");
        }
        return s;
    }
}
