package dev.selfheal.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code selfheal.audit.*}: where the links to audit tickets point (blank: the report folder, relative). */
@ConfigurationProperties("selfheal.audit")
public record AuditProperties(String ticketBaseUrl) {
}
