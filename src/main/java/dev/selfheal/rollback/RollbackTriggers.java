package dev.selfheal.rollback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.outbox.Outbox;
import dev.selfheal.outbox.OutboxConsumers;
import java.util.Set;
import dev.selfheal.reports.ReportLog;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * The automatic triggers, from the outbox consumer {@code rollback} (detection events, route rollback-detection):
 * a detection whose rule's action is {@code rollback} (consecutive final failures of a workflow), or a critical
 * detection (risk critical, or a secret exposure / data corruption) about a workflow. Each is one rollback
 * request for that workflow; other detections are settled untouched.
 */
@Component("rollbackTriggers")
public class RollbackTriggers {

    static final String CONSUMER = "rollback";
    private static final Set<String> CRITICAL_CATEGORIES = Set.of("secret_exposure", "data_corruption");

    private final Outbox outbox;
    private final ReportLog reportLog;

    public RollbackTriggers(Outbox outbox, ReportLog reportLog) {
        this.outbox = outbox;
        this.reportLog = reportLog;
    }

    /** Route predicate: the detection asks for a rollback and names a workflow to roll back. */
    public boolean wantsRollback(@Body Outbox.Event event) {
        return trigger(event) != null;
    }

    /** The request for the detection's workflow (by id), with the detection's rule and detail as reason. */
    public RollbackRequest request(@Body Outbox.Event event) {
        JsonNode p = event.payload();
        String reason = "detection " + p.path("ruleId").asText("?") + ": " + p.path("detail").asText(
                p.path("type").asText("critical detection"));
        return new RollbackRequest(event.repository(), p.path("workflowId").asText(),
                reason.length() > RollbackEngine.MAX_REASON ? reason.substring(0, RollbackEngine.MAX_REASON) : reason,
                "rule " + p.path("ruleId").asText("?"), trigger(event), null, event.id());
    }

    /** The engine refused the detection's request: said once in the rollback log, the detection settled. */
    public void refused(@Body RollbackRequest request, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        reportLog.append("rollback", "rollback asked by " + request.actor() + " for " + request.repository()
                + " workflow " + request.workflow() + " refused: " + e.getMessage());
    }

    /** Last step for every detection: delivered to this consumer (a rollback that failed was recorded). */
    public void settle(@ExchangeProperty(OutboxConsumers.EVENT) Outbox.Event event) {
        outbox.done(event.id(), CONSUMER);
    }

    static String trigger(Outbox.Event event) {
        JsonNode p = event.payload();
        boolean hasWorkflow = event.repository() != null && p.path("workflowId").canConvertToLong()
                && p.path("workflowId").asLong() > 0;
        if (!hasWorkflow) {
            return null;
        }
        if ("rollback".equals(p.path("action").asText())) {
            return "consecutive_failures";
        }
        boolean critical = "critical".equals(p.path("risk").asText())
                || CRITICAL_CATEGORIES.contains(p.path("category").asText());
        return critical ? "critical_detection" : null;
    }
}
