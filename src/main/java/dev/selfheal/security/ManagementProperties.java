package dev.selfheal.security;

import jakarta.validation.constraints.Pattern;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The management plane's logins ({@code selfheal.management.*}). The first admin's password comes from
 * {@code SELFHEAL_MANAGEMENT_ADMIN_PASSWORD}; without it a random one is generated and printed once.
 * {@code allowedOrigins}: browser origins other than the console's own that may call the management port
 * (none by default).
 */
@Validated
@ConfigurationProperties("selfheal.management")
public record ManagementProperties(
        @Pattern(regexp = "[A-Za-z0-9_.@-]{1,64}", message = "must be 1-64 letters, digits or _.@-") String adminUser,
        String adminPassword,
        List<String> allowedOrigins) {

    public ManagementProperties(@DefaultValue("admin") String adminUser, String adminPassword,
            @DefaultValue List<String> allowedOrigins) {
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
        this.allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    }

    public boolean hasAdminPassword() {
        return adminPassword != null && !adminPassword.isBlank();
    }
}
