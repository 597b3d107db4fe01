package dev.selfheal.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * GET /api/v1/events/stream: the one API endpoint served by Spring MVC rather than Camel's REST DSL, because an
 * SSE answer is a long-lived stream and platform-http answers once. It sits behind the same API chain (key,
 * role viewer, rate limits, call log). Resumes after {@code Last-Event-ID} (or {@code ?lastEventId=}).
 */
@RestController
public class EventStreamController {

    private final EventStream events;

    public EventStreamController(EventStream events) {
        this.events = events;
    }

    @GetMapping(path = "/api/v1/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter stream(@RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader,
            @RequestParam(name = "lastEventId", required = false) String lastEventIdParam, HttpServletRequest request) {
        String text = lastEventIdHeader != null ? lastEventIdHeader : lastEventIdParam;
        Long lastEventId = null;
        if (text != null && !text.isEmpty()) {
            if (!text.matches("\\d{1,18}")) {
                throw ApiProblem.badRequest("'Last-Event-ID' must be an event id this stream sent.");
            }
            lastEventId = Long.parseLong(text);
        }
        return events.open(lastEventId, request.getHeader(ApiGate.KEY_ID_HEADER));
    }

    @ExceptionHandler(ApiProblem.class)
    public org.springframework.http.ResponseEntity<String> problem(ApiProblem p) {
        return org.springframework.http.ResponseEntity.status(p.status())
                .contentType(MediaType.parseMediaType(ApiProblems.MEDIA_TYPE))
                .body(ApiProblems.json(p.status(), p.type(), p.getMessage()));
    }
}
