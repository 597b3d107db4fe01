package dev.selfheal.api;

import dev.selfheal.security.AnswerWritten;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What every /api/v1 request passes before a route sees it, in this order, each refusal a problem+json answer
 * written without reading the body: the client address's rate limit (429), a valid API key as
 * {@code Authorization: Bearer} (401; no session, cookie or login form), the key's rate limit (429, with
 * {@code X-RateLimit-*} on every answer), the body's size (413 over {@code selfheal.api.max-body}, 411 for a
 * body of unknown length). The key's role then decides in Spring Security's authorization (403). Every
 * authenticated call is recorded by {@link ApiCallLog} once answered.
 */
public class ApiGate extends OncePerRequestFilter {

    public static final String KEY_ID = "selfheal.apiKeyId";
    /** The header the routes read the calling key's id from; a caller's own header of that name is replaced. */
    public static final String KEY_ID_HEADER = "Selfheal-Api-Key-Id";

    private final ApiKeys keys;
    private final ApiRateLimits limits;
    private final ApiCallLog callLog;
    private final long maxBody;

    public ApiGate(ApiKeys keys, ApiRateLimits limits, ApiCallLog callLog, ApiProperties properties) {
        this.keys = keys;
        this.limits = limits;
        this.callLog = callLog;
        this.maxBody = properties.maxBody().toBytes();
    }

    static boolean isDocs(HttpServletRequest request) {
        String path = request.getRequestURI();
        return "GET".equals(request.getMethod()) && ("/api/v1/docs".equals(path)
                || path.startsWith("/api/v1/docs/") && ApiDocsController.ASSETS.containsKey(path.substring(13)));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long started = System.nanoTime();
        String address = request.getRemoteAddr();
        ApiRateLimits.Decision perAddress = limits.takeForAddress(address);
        if (!perAddress.allowed()) {
            tooMany(response, perAddress, "Too many requests from this address; try again after Retry-After seconds.");
            return;
        }
        if (isDocs(request)) {
            // Swagger UI's page and assets: static and bounded; the page sends a key for everything else
            chain.doFilter(request, response);
            return;
        }
        Optional<ApiKeys.ApiKey> key = keys.authenticate(bearer(request));
        if (key.isEmpty()) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"selfheal\"");
            ApiProblems.write(response, 401, "unauthorized",
                    "A valid API key is required: Authorization: Bearer <key>.");
            return;
        }
        String keyId = key.get().keyId();
        ApiRateLimits.Decision perKey = limits.takeForKey(keyId);
        rateHeaders(response, perKey);
        if (!perKey.allowed()) {
            tooMany(response, perKey, "This key's rate limit is used up; try again after Retry-After seconds.");
        } else if (request.getContentLengthLong() > maxBody) {
            ApiProblems.write(response, 413, "too-large", "The request body is larger than " + maxBody + " bytes.");
        } else if (request.getContentLengthLong() < 0 && request.getHeader("Transfer-Encoding") != null) {
            ApiProblems.write(response, 411, "length-required", "A request body needs a Content-Length.");
        } else {
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("apikey:" + keyId, null,
                    key.get().role().authorities()));
            SecurityContextHolder.setContext(context);
            request.setAttribute(KEY_ID, keyId);
            try {
                chain.doFilter(new KeyedRequest(request, keyId), response);
            } catch (AccessDeniedException e) {
                // the role decided (authorization runs after this gate): answered here so the call is recorded
                ApiProblems.write(response, 403, "forbidden", "This key's role does not allow this request.");
            } finally {
                SecurityContextHolder.clearContext();
            }
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(
                        new AnswerWritten(() -> record(keyId, request, response, started)));
                return;
            }
        }
        record(keyId, request, response, started);
    }

    /** The request as the routes see it: with {@link #KEY_ID_HEADER} naming the authenticated key. */
    static final class KeyedRequest extends jakarta.servlet.http.HttpServletRequestWrapper {
        private final String keyId;

        KeyedRequest(HttpServletRequest request, String keyId) {
            super(request);
            this.keyId = keyId;
        }

        @Override
        public String getHeader(String name) {
            return KEY_ID_HEADER.equalsIgnoreCase(name) ? keyId : super.getHeader(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            return KEY_ID_HEADER.equalsIgnoreCase(name) ? java.util.Collections.enumeration(java.util.List.of(keyId))
                    : super.getHeaders(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaderNames() {
            java.util.List<String> names = new java.util.ArrayList<>();
            for (var e = super.getHeaderNames(); e.hasMoreElements();) {
                String n = e.nextElement();
                if (!KEY_ID_HEADER.equalsIgnoreCase(n)) {
                    names.add(n);
                }
            }
            names.add(KEY_ID_HEADER);
            return java.util.Collections.enumeration(names);
        }
    }

    private void record(String keyId, HttpServletRequest request, HttpServletResponse response, long started) {
        callLog.record(keyId, request.getMethod(), request.getRequestURI(), response.getStatus(),
                (System.nanoTime() - started) / 1_000_000, request.getRemoteAddr());
    }

    private static String bearer(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    private static void rateHeaders(HttpServletResponse response, ApiRateLimits.Decision d) {
        response.setHeader("X-RateLimit-Limit", String.valueOf(d.limit()));
        response.setHeader("X-RateLimit-Remaining", String.valueOf(d.remaining()));
        response.setHeader("X-RateLimit-Reset", String.valueOf(System.currentTimeMillis() / 1000 + d.resetSeconds()));
    }

    private static void tooMany(HttpServletResponse response, ApiRateLimits.Decision d, String detail)
            throws IOException {
        rateHeaders(response, d);
        response.setHeader("Retry-After", String.valueOf(d.retryAfterSeconds()));
        ApiProblems.write(response, 429, "rate-limited", detail);
    }
}
