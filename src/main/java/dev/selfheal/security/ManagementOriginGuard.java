package dev.selfheal.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses management requests that a browser sends on behalf of another site: a request whose {@code Origin}
 * is neither the console's own (scheme, host and port of the request) nor a configured one gets 403. Browsers
 * send {@code Origin} on every cross-site POST, so a page open in an operator's browser cannot drive Jolokia
 * with the operator's session. Requests without {@code Origin} (curl, scripts) are not browser-driven.
 */
class ManagementOriginGuard extends OncePerRequestFilter {

    private final List<String> allowedOrigins;

    ManagementOriginGuard(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        if (origin == null || allowedOrigins.contains(origin) || sameOrigin(origin, request)) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.getWriter().write("{\"error\":\"requests from another site's pages are refused "
                + "(selfheal.management.allowed-origins lists the origins allowed)\"}");
    }

    static boolean sameOrigin(String origin, HttpServletRequest request) {
        try {
            URI o = URI.create(origin);
            String host = request.getHeader("Host");
            if (o.getHost() == null || host == null) {
                return false;
            }
            int port = o.getPort() != -1 ? o.getPort() : "https".equalsIgnoreCase(o.getScheme()) ? 443 : 80;
            String expected = o.getHost() + ":" + port;
            String actual = host.contains(":") ? host : host + ":" + ("https".equalsIgnoreCase(o.getScheme()) ? 443 : 80);
            return expected.equalsIgnoreCase(actual) && o.getScheme().equalsIgnoreCase(request.getScheme());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
