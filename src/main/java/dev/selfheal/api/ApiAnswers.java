package dev.selfheal.api;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * A JSON answer of an API route: the status, the body, and no request header echoed back. The caller passes the
 * body through the sanitizer first (all but the one answer that shows a new key).
 */
final class ApiAnswers {

    private ApiAnswers() {
    }

    static void json(Exchange exchange, int status, String json) {
        Message in = exchange.getMessage();
        in.removeHeaders("*");
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setBody(json);
    }
}
