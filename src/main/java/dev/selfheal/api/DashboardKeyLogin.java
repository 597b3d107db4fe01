package dev.selfheal.api;

import dev.selfheal.security.ManagementSecurityConfiguration;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * An API key as a way into the Observer dashboard (management port), for a wall screen or a script that has no
 * management login: {@code Authorization: Bearer <key>} on a /dashboard request opens that request only, and the
 * form at {@code /dashboard/key} exchanges a key for a browser session. Either way the login holds only the
 * dashboard role: Hawtio, Jolokia and actuator stay closed to it, whatever the key's own role. A refused key gets
 * the same answer whatever was wrong with it, and is not logged.
 */
class DashboardKeyLogin extends OncePerRequestFilter {

    static final String FORM_PATH = "/dashboard/key";
    private static final Logger LOG = LoggerFactory.getLogger(DashboardKeyLogin.class);
    private static final int MAX_FORM_KEY = 512;

    private final ApiKeys keys;
    private final HttpSessionSecurityContextRepository sessions = new HttpSessionSecurityContextRepository();

    DashboardKeyLogin(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.equals("/dashboard") || path.startsWith("/dashboard/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (FORM_PATH.equals(request.getRequestURI())) {
            if ("POST".equals(request.getMethod())) {
                exchangeForSession(request, response);
            } else if ("GET".equals(request.getMethod())) {
                form(request, response);
            } else {
                response.sendError(405);
            }
            return;
        }
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Optional<ApiKeys.ApiKey> key = keys.authenticate(header.substring(7).trim());
            if (key.isEmpty()) {
                response.setHeader("WWW-Authenticate", "Bearer");
                response.sendError(401);
                return;
            }
            // this request only: nothing is saved in a session
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(dashboardLogin(key.get()));
            SecurityContextHolder.setContext(context);
        }
        chain.doFilter(request, response);
    }

    private void exchangeForSession(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String presented = request.getParameter("key");
        Optional<ApiKeys.ApiKey> key = presented == null || presented.length() > MAX_FORM_KEY ? Optional.empty()
                : keys.authenticate(presented.trim());
        if (key.isEmpty()) {
            response.setStatus(303);
            response.setHeader("Location", FORM_PATH + "?error");
            return;
        }
        // a new session id for the new login (no fixation)
        if (request.getSession(false) != null) {
            request.changeSessionId();
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(dashboardLogin(key.get()));
        SecurityContextHolder.setContext(context);
        sessions.saveContext(context, request, response);
        LOG.info("Dashboard opened with API key {} ({}) from {}", key.get().keyId(), key.get().name(),
                request.getRemoteAddr());
        response.setStatus(303);
        response.setHeader("Location", "/dashboard");
    }

    private static Authentication dashboardLogin(ApiKeys.ApiKey key) {
        return UsernamePasswordAuthenticationToken.authenticated("apikey:" + key.keyId(), null,
                List.of(new SimpleGrantedAuthority("ROLE_" + ManagementSecurityConfiguration.DASHBOARD_ROLE)));
    }

    private static void form(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean refused = request.getParameter("error") != null;
        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Selfheal Observer: API key</title></head>
                <body style="font-family: system-ui, sans-serif; margin: 32px">
                <h1 style="font-size: 20px">Selfheal Observer</h1>
                <p>Open the dashboard with an API key (<code>java -jar selfheal.jar apikey create --role viewer --name wall-screen</code>),
                or <a href="/login">log in</a> with a management account.</p>
                """ + (refused ? "<p id=\"refused\" style=\"color: #b42318\">That key was not accepted.</p>\n" : "")
                + """
                <form method="post" action="/dashboard/key">
                <input type="password" name="key" autocomplete="off" size="60" required>
                <button type="submit">Open the dashboard</button>
                </form></body></html>
                """).getBytes(StandardCharsets.UTF_8));
    }
}
