package dev.selfheal.security;

import static org.springframework.security.config.Customizer.withDefaults;

import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Two planes. The management port ({@code management.server.port}, 8081 on 127.0.0.1 by default) serves
 * actuator, Hawtio and Jolokia behind a login (form or HTTP Basic; roles viewer, operator, admin from
 * {@code management_users}); only the health probes are open. The Observer dashboard also takes an API key
 * (any role), which opens the dashboard only. The public port serves what must face the
 * internet: {@code POST /webhooks/github} (authenticated by its HMAC signature, not a login) and nothing else.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class ManagementSecurityConfiguration {

    /**
     * The role of a dashboard-only login (an API key presented at /dashboard): it opens the dashboard and its
     * data, and nothing else on the management port.
     */
    public static final String DASHBOARD_ROLE = "DASHBOARD";

    /** The management server's actual port, known once it has started (0 in tests means a random one). */
    private final AtomicInteger managementPort = new AtomicInteger(-1);

    @Bean
    ApplicationListener<WebServerInitializedEvent> managementPortListener() {
        return event -> {
            if ("management".equals(event.getApplicationContext().getServerNamespace())) {
                managementPort.set(event.getWebServer().getPort());
            }
        };
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    ManagementUsers managementUsers(JdbcTemplate jdbc, PasswordEncoder encoder, ManagementProperties properties) {
        ManagementUsers users = new ManagementUsers(jdbc, encoder);
        users.ensureFirstAdmin(properties);
        return users;
    }

    /** A request to the management server: by port, or by path when management shares the public port. */
    private RequestMatcher managementRequests() {
        return request -> {
            int port = managementPort.get();
            if (port > 0 && request.getLocalPort() == port) {
                return true;
            }
            return port <= 0 && isManagementPath(request);
        };
    }

    private static boolean isManagementPath(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.startsWith("/actuator") || path.equals("/login") || path.equals("/logout");
    }

    @Bean
    @Order(1)
    SecurityFilterChain managementChain(HttpSecurity http, ManagementProperties properties,
            ObjectProvider<ManagementChainExtension> extensions) throws Exception {
        http.securityMatcher(managementRequests())
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")
                        .permitAll()
                        .requestMatchers("/login", "/logout", "/error", "/dashboard/key").permitAll()
                        .requestMatchers("/dashboard", "/dashboard/", "/dashboard/**")
                        .hasAnyRole(ManagementRole.VIEWER.name(), DASHBOARD_ROLE)
                        .anyRequest().hasRole(ManagementRole.VIEWER.name()))
                .formLogin(f -> f.defaultSuccessUrl("/actuator/hawtio/", false))
                .httpBasic(withDefaults())
                // browser-driven cross-site requests are refused by origin (below), so Hawtio's and scripts'
                // POSTs to Jolokia need no CSRF token
                .csrf(c -> c.disable())
                .addFilterBefore(new ManagementOriginGuard(properties.allowedOrigins()), BasicAuthenticationFilter.class);
        for (ManagementChainExtension extension : extensions.orderedStream().toList()) {
            extension.extend(http);
        }
        // the same origins for Jolokia's CORS answers (Jolokia creates its restrictor by class name)
        ManagementJolokiaRestrictor.allowOrigins(properties.allowedOrigins());
        return http.build();
    }

    /** After the API's chain (order 2, /api/v1 with API keys): everything else on the public port. */
    @Bean
    @Order(3)
    SecurityFilterChain publicChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.POST, "/webhooks/github").permitAll()
                        .requestMatchers("/error").permitAll()
                        .anyRequest().denyAll())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable())
                .requestCache(r -> r.disable())
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .headers(EagerHeaderWriting.eagerly());
        return http.build();
    }
}
