package dev.selfheal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.sanitize.Sanitizer;
import dev.selfheal.security.ManagementRole;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The admins' key endpoints: list (never a hash), create (the key shown in this one answer) and revoke.
 */
@Component("apiKeyRequests")
public class ApiKeyRequests {

    private final ApiKeys keys;
    private final ObjectMapper mapper;
    private final Sanitizer sanitizer;

    public ApiKeyRequests(ApiKeys keys, ObjectMapper mapper, Sanitizer sanitizer) {
        this.keys = keys;
        this.mapper = mapper;
        this.sanitizer = sanitizer;
    }

    public void list(Exchange exchange) {
        ObjectNode body = mapper.createObjectNode();
        ArrayNode items = body.putArray("items");
        keys.list().forEach(k -> items.add(json(k)));
        ApiAnswers.json(exchange, 200, sanitizer.sanitize(body).toString());
    }

    /** Body {@code {"name": "ci-dashboard", "role": "operator", "expiresInDays": 90}} (expiry optional). */
    public void create(Exchange exchange) {
        Message in = exchange.getMessage();
        JsonNode request = ApiJsonBodies.object(in, mapper);
        ManagementRole role;
        try {
            role = ManagementRole.of(request.path("role").asText(""));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("'role' must be viewer, operator or admin.");
        }
        Duration validFor = null;
        if (request.hasNonNull("expiresInDays")) {
            int days = request.path("expiresInDays").asInt(0);
            if (days < 1 || days > 3650) {
                throw ApiProblem.badRequest("'expiresInDays' must be a number from 1 to 3650.");
            }
            validFor = Duration.ofDays(days);
        }
        String by = "apikey:" + in.getHeader(ApiGate.KEY_ID_HEADER, String.class);
        ApiKeys.Created created = keys.create(request.path("name").asText(null), role, validFor, by);
        ObjectNode body = (ObjectNode) sanitizer.sanitize(json(created.key()));
        // the one answer that must carry a secret: the new key, shown this once and stored only hashed
        body.put("key", created.secret());
        ApiAnswers.json(exchange, 201, body.toString());
    }

    public void revoke(Exchange exchange) {
        Message in = exchange.getMessage();
        String keyId = in.getHeader("keyId", String.class);
        if (keyId == null || !keyId.matches("[a-z0-9]{12}")) {
            throw new ApiProblem(404, "not-found", "No such API key.");
        }
        String by = "apikey:" + in.getHeader(ApiGate.KEY_ID_HEADER, String.class);
        if (!keys.revoke(keyId, by)) {
            throw new ApiProblem(404, "not-found", "No such API key, or it is revoked already.");
        }
        in.removeHeaders("*");
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        in.setBody(null);
    }

    private ObjectNode json(ApiKeys.ApiKey k) {
        ObjectNode n = mapper.createObjectNode();
        n.put("keyId", k.keyId());
        n.put("name", k.name());
        n.put("role", k.role().dbName());
        n.put("createdBy", k.createdBy());
        n.put("createdAt", String.valueOf(k.createdAt()));
        n.put("expiresAt", k.expiresAt() == null ? null : k.expiresAt().toString());
        n.put("revokedAt", k.revokedAt() == null ? null : k.revokedAt().toString());
        n.put("lastUsedAt", k.lastUsedAt() == null ? null : k.lastUsedAt().toString());
        return n;
    }
}
