package dev.selfheal.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Every API error as RFC 9457 {@code application/problem+json}: {@code type} (a URN naming the problem), {@code
 * title} (the status text), {@code status} and {@code detail}. Used by the servlet gate (401, 429, 413) and by
 * the api-errors route configuration for refusals inside a route; an unforeseen failure is a 500 whose detail
 * names no internals (the log has them).
 */
@Component("apiProblems")
public class ApiProblems {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger("selfheal.api");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final dev.selfheal.sanitize.Sanitizer sanitizer;

    public ApiProblems(dev.selfheal.sanitize.Sanitizer sanitizer) {
        this.sanitizer = sanitizer;
    }

    public static String json(int status, String type, String detail) {
        return problem(status, type, detail).toString();
    }

    private static ObjectNode problem(int status, String type, String detail) {
        ObjectNode problem = MAPPER.createObjectNode();
        problem.put("type", "urn:selfheal:problem:" + type);
        HttpStatus known = HttpStatus.resolve(status);
        problem.put("title", known == null ? "Error" : known.getReasonPhrase());
        problem.put("status", status);
        problem.put("detail", detail);
        return problem;
    }

    /** Writes the problem as the servlet answer (the gate's refusals, before any route runs). */
    public static void write(HttpServletResponse response, int status, String type, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(json(status, type, detail));
    }

    /** The api-errors handler: the exchange's exception as the answer. */
    public void answer(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String type;
        String detail;
        if (e instanceof ApiProblem p) {
            status = p.status();
            type = p.type();
            detail = p.getMessage();
        } else if (e instanceof org.apache.camel.StreamCacheException
                || e instanceof org.apache.camel.TypeConversionException) {
            // the servlet could not decode the body as the text its Content-Type says (bytes that are not UTF-8)
            status = 400;
            type = "unreadable-body";
            detail = "The body could not be read as UTF-8 text.";
        } else {
            status = 500;
            type = "internal";
            detail = "The request could not be completed; the service log says why.";
            LOG.warn("API {} failed: {}", exchange.getFromRouteId(), e == null ? "?" : e.toString(), e);
        }
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, MEDIA_TYPE);
        ObjectNode problem = problem(status, type, detail);
        if (e instanceof ApiProblem p && !p.errors().isEmpty()) {
            p.errors().forEach(problem.putArray("errors")::add);
        }
        message.setBody(sanitizer.sanitize(problem).toString());
    }
}
