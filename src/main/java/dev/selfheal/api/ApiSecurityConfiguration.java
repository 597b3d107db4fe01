package dev.selfheal.api;

import dev.selfheal.security.EagerHeaderWriting;
import dev.selfheal.security.ManagementChainExtension;
import dev.selfheal.security.ManagementRole;
import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * REST API v1 lives on the public port under /api/v1 (Camel's REST DSL on platform-http binds to the main
 * server). Its chain comes after the management chain (which takes every request on the management port) and
 * before the public one (webhook only): API keys as bearer tokens, no session, cookie, form or Basic login.
 * Roles: viewer GET; operator also POST reprocess and classify; admin also the keys.
 */
@Configuration(proxyBeanMethods = false)
public class ApiSecurityConfiguration {

    @Bean
    ApiKeys apiKeys(JdbcTemplate jdbc, PasswordEncoder encoder, ApiProperties properties) {
        ApiKeys keys = new ApiKeys(jdbc, encoder);
        if (properties.hasBootstrapKey()) {
            keys.ensureBootstrap(properties.bootstrapKey());
        }
        return keys;
    }

    /** API keys also open the Observer dashboard on the management port (dashboard only). */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    ManagementChainExtension dashboardKeyLogin(ApiKeys keys) {
        return http -> http.addFilterBefore(new DashboardKeyLogin(keys), BasicAuthenticationFilter.class);
    }

    @Bean
    @Order(2)
    // the document commands (docs generate, observe-report) run the context without a web server
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    SecurityFilterChain apiChain(HttpSecurity http, ApiKeys keys, ApiRateLimits limits, ApiCallLog callLog,
            ApiProperties properties) throws Exception {
        String viewer = ManagementRole.VIEWER.name();
        String operator = ManagementRole.OPERATOR.name();
        String admin = ManagementRole.ADMIN.name();
        http.securityMatcher("/api/v1/**")
                .authorizeHttpRequests(a -> a
                        // the request dispatch was authorized; Camel answers on an async dispatch
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/v1/docs", "/api/v1/docs/swagger-ui-bundle.js",
                                "/api/v1/docs/swagger-ui.css").permitAll()
                        .requestMatchers("/api/v1/keys", "/api/v1/keys/**").hasRole(admin)
                        .requestMatchers(HttpMethod.GET, "/api/v1/evidence/bundle").hasRole(admin)
                        .requestMatchers(HttpMethod.POST, "/api/v1/reprocess", "/api/v1/classify", "/api/v1/rollback",
                                "/api/v1/killswitch", "/api/v1/mode")
                        .hasRole(operator)
                        .requestMatchers(HttpMethod.GET, "/api/v1/**").hasRole(viewer)
                        .anyRequest().denyAll())
                .addFilterBefore(new ApiGate(keys, limits, callLog, properties), AuthorizationFilter.class)
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> ApiProblems.write(res, 401, "unauthorized",
                                "A valid API key is required: Authorization: Bearer <key>."))
                        .accessDeniedHandler((req, res, ex) -> ApiProblems.write(res, 403, "forbidden",
                                "This key's role does not allow this request.")))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable())
                .requestCache(r -> r.disable())
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .logout(l -> l.disable())
                .anonymous(a -> a.disable())
                .headers(EagerHeaderWriting.eagerly());
        return http.build();
    }
}
