package dev.selfheal.api;

/**
 * A refusal the API answers as RFC 9457 {@code application/problem+json}: its status, a short slug for the
 * problem type and a detail that never repeats what the caller sent.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String type;

    public ApiProblem(int status, String type, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
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
