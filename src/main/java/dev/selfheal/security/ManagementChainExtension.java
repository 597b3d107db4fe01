package dev.selfheal.security;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;

/**
 * Adds to the management port's security chain from another part of the service (the API's keys as a way into
 * the dashboard), so that this package need not know those parts.
 */
@FunctionalInterface
public interface ManagementChainExtension {

    void extend(HttpSecurity managementChain) throws Exception;
}
