package dev.selfheal.rollback;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One step of a rollback as recorded: its name, the exact GitHub call (or local action) it makes or,
 * in a dry run, would make, and how it ended: {@code read} (a GET), {@code done}, {@code planned} (dry run: not
 * sent), {@code skipped} (not asked for or nothing to do), {@code failed} (GitHub refused: dead letter).
 */
public final class RollbackStep {

    private final String name;
    private final String call;
    private volatile String status;
    private volatile Integer httpStatus;
    private volatile String detail;
    private volatile String fix;
    private volatile Long deadLetterEventId;

    RollbackStep(String name, String call, String status, String detail) {
        this.name = name;
        this.call = call;
        this.status = status;
        this.detail = detail;
    }

    void end(String status, Integer httpStatus, String detail) {
        this.status = status;
        this.httpStatus = httpStatus;
        this.detail = detail;
    }

    void refused(Map<String, Object> failure) {
        this.status = "failed";
        this.httpStatus = failure.get("status") instanceof Number n ? n.intValue() : null;
        this.detail = failure.get("category") + ": " + failure.get("message");
        this.fix = failure.get("fix") == null ? null : String.valueOf(failure.get("fix"));
        this.deadLetterEventId = failure.get("eventId") instanceof Number n ? n.longValue() : null;
    }

    public String name() {
        return name;
    }

    public String call() {
        return call;
    }

    public String status() {
        return status;
    }

    public String detail() {
        return detail;
    }

    public String fix() {
        return fix;
    }

    public Integer httpStatus() {
        return httpStatus;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", name);
        m.put("call", call);
        m.put("status", status);
        m.put("httpStatus", httpStatus);
        m.put("detail", detail);
        m.put("fix", fix);
        m.put("deadLetterEventId", deadLetterEventId);
        return m;
    }
}
