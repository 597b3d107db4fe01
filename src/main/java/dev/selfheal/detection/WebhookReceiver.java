package dev.selfheal.detection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.config.SelfhealProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * {@code POST /webhooks/github}, after {@link WebhookAdmission} has bounded the body and checked its signature:
 * parses it and sets {@link #OUTCOME}: {@code run} (a completed workflow_run of a watched repository: the body
 * becomes the run object), {@code ping}, {@code ignored} or {@code refused} (the answer is already set: 400
 * malformed).
 */
@Component("webhookReceiver")
public class WebhookReceiver {

    public static final String OUTCOME = "webhookOutcome";
    public static final String ANSWER = "webhookAnswer";

    private final List<String> watched;
    private final ObjectMapper mapper;

    public WebhookReceiver(SelfhealProperties properties, ObjectMapper mapper) {
        this.watched = properties.github().repositories();
        this.mapper = mapper;
    }

    public void receive(Exchange exchange) {
        Message in = exchange.getMessage();
        byte[] body = in.getBody(byte[].class);
        String event = in.getHeader("X-GitHub-Event", String.class);
        exchange.setProperty("deliveryId", in.getHeader("X-GitHub-Delivery", String.class));
        exchange.setProperty("githubEvent", event);
        exchange.setProperty("seenBy", "webhook");
        if (body == null) {
            refuse(exchange, 400, "empty body");
            return;
        }
        if (exchange.getProperty("deliveryId") == null) {
            refuse(exchange, 400, "missing X-GitHub-Delivery header");
            return;
        }
        JsonNode payload;
        try {
            payload = mapper.readTree(body);
            if (payload == null || !payload.isObject()) {
                throw new IllegalArgumentException("the body is not a JSON object");
            }
        } catch (JsonProcessingException e) {
            // limits (nesting depth, string length) are reported without a location
            refuse(exchange, 400, e.getLocation() == null ? "malformed JSON: " + e.getOriginalMessage()
                    : "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
            return;
        } catch (java.io.IOException | IllegalArgumentException e) {
            refuse(exchange, 400, "malformed JSON: " + e.getMessage());
            return;
        }
        if ("ping".equals(event)) {
            answer(exchange, "ping", 200, Map.of("pong", true, "zen", payload.path("zen").asText("")));
            return;
        }
        if (!"workflow_run".equals(event)) {
            answer(exchange, "ignored", 202, Map.of("ignored", "event " + event + " is not handled"));
            return;
        }
        String repository = payload.path("repository").path("full_name").asText(null);
        JsonNode run = payload.get("workflow_run");
        if (run == null || !run.hasNonNull("id") || repository == null) {
            refuse(exchange, 400, "workflow_run event without workflow_run.id or repository.full_name");
            return;
        }
        if (!watched.isEmpty() && !watched.contains(repository)) {
            answer(exchange, "ignored", 202, Map.of("ignored", repository + " is not in selfheal.github.repositories"));
            return;
        }
        if (!"completed".equals(payload.path("action").asText())) {
            answer(exchange, "ignored", 202, Map.of("ignored", "action " + payload.path("action").asText()));
            return;
        }
        exchange.setProperty("repository", repository);
        exchange.setProperty(OUTCOME, "run");
        in.setBody(run);
    }

    /** The answer for an accepted or duplicate delivery, after the run was handed on. */
    public void accepted(Exchange exchange) {
        boolean duplicate = exchange.getProperty(Exchange.DUPLICATE_MESSAGE, false, Boolean.class);
        boolean deliverySeen = exchange.getProperty("deliverySeenBefore", false, Boolean.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accepted", !duplicate);
        if (deliverySeen) {
            body.put("duplicate", "delivery " + exchange.getProperty("deliveryId") + " was already handled");
        } else if (duplicate) {
            // a new delivery, but this attempt of the run came in before (webhook, poll or inbox)
            JsonNode run = exchange.getMessage().getBody(JsonNode.class);
            body.put("duplicate", "run " + exchange.getProperty("repository") + "#" + exchange.getProperty("runId")
                    + " attempt " + (run == null ? "?" : run.path("run_attempt").asText("?")) + " was already handled");
        }
        body.put("run", exchange.getProperty("runId"));
        answer(exchange, duplicate ? "duplicate" : "run", duplicate ? 200 : 202, body);
    }

    /** The run could not be recorded (the database is down): 503, and the cause stays in our log only. */
    public void unavailable(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        org.slf4j.LoggerFactory.getLogger(WebhookReceiver.class).warn("Webhook delivery {} not recorded: {}",
                exchange.getProperty("deliveryId"), String.valueOf(cause));
        answer(exchange, "unavailable", 503, Map.of("error", "the run could not be recorded now; GitHub can "
                + "redeliver this delivery, and the poll will pick the run up when Selfheal's database is back"));
    }

    /** Writes the answer set by {@link #receive} or {@link #accepted} as the HTTP response. */
    public String respond(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getMessage();
        Object answer = exchange.getProperty(ANSWER);
        int status = exchange.getProperty(Exchange.HTTP_RESPONSE_CODE, 202, Integer.class);
        in.removeHeaders("*");
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        return mapper.writeValueAsString(answer);
    }

    private void refuse(Exchange exchange, int status, String error) {
        answer(exchange, "refused", status, Map.of("error", error));
    }

    private void answer(Exchange exchange, String outcome, int status, Map<String, Object> body) {
        exchange.setProperty(OUTCOME, outcome);
        exchange.setProperty(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.setProperty(ANSWER, body);
    }
}
