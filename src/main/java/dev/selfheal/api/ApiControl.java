package dev.selfheal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.killswitch.KillSwitch;
import dev.selfheal.killswitch.KillSwitchState;
import dev.selfheal.mode.OperatingMode;
import dev.selfheal.sanitize.Sanitizer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The control plane over the API: GET /api/v1/killswitch and /api/v1/mode (viewer) say what is engaged and in
 * which mode Selfheal runs; POST /api/v1/killswitch {@code {"action":"engage"|"release","reason":"..."}} and POST
 * /api/v1/mode {@code {"mode":"observe"|"act","reason":"..."}} (operator) change them as the MBeans would, with
 * the key as the actor, recorded in phase4_killswitch_log / phase4_mode_log like every other trigger.
 */
@Component("apiControl")
public class ApiControl {

    private final KillSwitch killSwitch;
    private final OperatingMode mode;
    private final ObjectMapper mapper;
    private final Sanitizer sanitizer;

    public ApiControl(KillSwitch killSwitch, OperatingMode mode, ObjectMapper mapper, Sanitizer sanitizer) {
        this.killSwitch = killSwitch;
        this.mode = mode;
        this.mapper = mapper;
        this.sanitizer = sanitizer;
    }

    public void killSwitchState(Exchange exchange) {
        answer(exchange, 200, state(killSwitch.state()));
    }

    public void killSwitchChange(Exchange exchange) {
        Message in = exchange.getMessage();
        JsonNode body = ApiJsonBodies.object(in, mapper);
        String action = ApiJsonBodies.text(body, "action", 20);
        String reason = ApiJsonBodies.text(body, "reason", 500);
        String actor = actor(in);
        try {
            switch (action) {
                case "engage" -> answer(exchange, 200, state(killSwitch.engage(reason, actor)));
                case "release" -> {
                    killSwitch.release(reason, actor);
                    answer(exchange, 200, state(killSwitch.state()));
                }
                default -> throw ApiProblem.badRequest("'action' is engage or release, not '" + action + "'.");
            }
        } catch (IllegalStateException | IllegalArgumentException refused) {
            throw new ApiProblem(409, "conflict", refused.getMessage());
        }
    }

    public void modeState(Exchange exchange) {
        answer(exchange, 200, mode());
    }

    public void modeChange(Exchange exchange) {
        Message in = exchange.getMessage();
        JsonNode body = ApiJsonBodies.object(in, mapper);
        String wanted = ApiJsonBodies.text(body, "mode", 20);
        String reason = ApiJsonBodies.text(body, "reason", 500);
        if (!OperatingMode.OBSERVE.equals(wanted) && !OperatingMode.ACT.equals(wanted)) {
            throw ApiProblem.badRequest("'mode' is observe or act, not '" + wanted + "'.");
        }
        try {
            mode.set(wanted, reason, actor(in), "api");
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw new ApiProblem(409, "conflict", refused.getMessage());
        }
        answer(exchange, 200, mode());
    }

    private ObjectNode mode() {
        ObjectNode m = mapper.createObjectNode();
        m.put("mode", mode.current());
        m.put("withheldWrites", mode.withheld());
        return m;
    }

    private ObjectNode state(KillSwitchState s) {
        ObjectNode k = mapper.createObjectNode();
        k.put("engaged", s.engaged());
        if (s.engaged()) {
            k.put("since", s.since() == null ? null : s.since().toString());
            k.put("trigger", s.trigger());
            k.put("reason", s.reason());
            k.put("actor", s.actor());
            k.put("conditionId", s.conditionId());
            s.stoppedRoutes().forEach(k.putArray("stoppedRoutes")::add);
            s.pausedTriggers().forEach(k.putArray("pausedTriggers")::add);
            s.cancelledRuns().forEach(k.putArray("cancelledRuns")::add);
            k.put("verification", s.verification());
        }
        return k;
    }

    private static String actor(Message in) {
        return "api key " + in.getHeader(ApiGate.KEY_ID_HEADER, String.class);
    }

    private void answer(Exchange exchange, int status, JsonNode body) {
        ApiAnswers.json(exchange, status, sanitizer.sanitize(body).toString());
    }
}
