package dev.selfheal.api;

/**
 * A refusal the API answers as RFC 9457 {@code application/problem+json}: its status, a short slug for the
 * problem type and a detail that never repeats what the caller sent.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String type;
    private final java.util.List<String> errors;

    public ApiProblem(int status, String type, String detail) {
        this(status, type, detail, java.util.List.of());
    }

    /** With {@code errors}: one reason per refused part of the request (an RFC 9457 extension member). */
    public ApiProblem(int status, String type, String detail, java.util.List<String> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.errors = java.util.List.copyOf(errors);
    }

    public java.util.List<String> errors() {
        return errors;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "bad-request", detail);
    }
}
