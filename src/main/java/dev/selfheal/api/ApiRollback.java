package dev.selfheal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.rollback.Rollback;
import dev.selfheal.rollback.RollbackEngine;
import dev.selfheal.rollback.RollbackStep;
import dev.selfheal.sanitize.Sanitizer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * POST /api/v1/rollback (operator): {@code {"repository":"owner/repo","workflow":"ci.yml","reason":"..."}} runs
 * the rollback engine as its MBean would (dry run unless {@code selfheal.rollback.mode=act}), with the key as
 * the actor; the answer is the rollback's record: mode, outcome and every step with its exact call.
 */
@Component("apiRollback")
public class ApiRollback {

    private final RollbackEngine engine;
    private final ObjectMapper mapper;
    private final Sanitizer sanitizer;

    public ApiRollback(RollbackEngine engine, ObjectMapper mapper, Sanitizer sanitizer) {
        this.engine = engine;
        this.mapper = mapper;
        this.sanitizer = sanitizer;
    }

    public void request(Exchange exchange) {
        Message in = exchange.getMessage();
        JsonNode body = ApiJsonBodies.object(in, mapper);
        String repository = ApiJsonBodies.text(body, "repository", 200);
        String workflow = ApiJsonBodies.text(body, "workflow", 200);
        String reason = ApiJsonBodies.text(body, "reason", 500);
        Rollback done;
        try {
            done = engine.request(repository, workflow, reason, "api key " + in.getHeader(ApiGate.KEY_ID_HEADER));
        } catch (IllegalArgumentException refused) {
            throw new ApiProblem(422, "refused", refused.getMessage());
        }
        ObjectNode answer = mapper.createObjectNode();
        answer.put("repository", repository);
        answer.put("workflow", workflow);
        answer.put("mode", done.mode());
        answer.put("outcome", done.outcome());
        answer.put("summary", done.summary());
        answer.put("report", done.reportFile());
        var steps = answer.putArray("steps");
        for (RollbackStep step : done.steps()) {
            steps.add(mapper.valueToTree(step.toMap()));
        }
        ApiAnswers.json(exchange, 200, sanitizer.sanitize(answer).toString());
    }
}
