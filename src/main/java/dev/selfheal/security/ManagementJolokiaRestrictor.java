package dev.selfheal.security;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.management.ObjectName;
import org.jolokia.server.core.restrictor.policy.PolicyRestrictor;
import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Jolokia's gate (configured as its {@code restrictorClass}): the policy in {@code jolokia-access.xml} for
 * everyone, and operations (route stop/start, kill switch) only for operators and admins. A missing policy file
 * fails start-up instead of allowing everything, which is what Jolokia does on its own.
 */
public class ManagementJolokiaRestrictor implements Restrictor {

    static final String POLICY = "/jolokia-access.xml";

    // Jolokia creates this class by name, outside Spring: the configured origins are handed over at start.
    private static volatile List<String> allowedOrigins = List.of();

    private final PolicyRestrictor policy;

    public ManagementJolokiaRestrictor() {
        try (InputStream in = ManagementJolokiaRestrictor.class.getResourceAsStream(POLICY)) {
            if (in == null) {
                throw new IllegalStateException("Jolokia policy " + POLICY + " is missing from the classpath");
            }
            policy = new PolicyRestrictor(in);
        } catch (IOException e) {
            throw new IllegalStateException("Jolokia policy " + POLICY + " could not be read", e);
        }
    }

    static void allowOrigins(List<String> origins) {
        allowedOrigins = List.copyOf(origins);
    }

    @Override
    public boolean isHttpMethodAllowed(HttpMethod method) {
        return policy.isHttpMethodAllowed(method);
    }

    @Override
    public boolean isTypeAllowed(RequestType type) {
        return policy.isTypeAllowed(type);
    }

    @Override
    public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
        return policy.isAttributeReadAllowed(name, attribute);
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
        return policy.isAttributeWriteAllowed(name, attribute);
    }

    @Override
    public boolean isOperationAllowed(ObjectName name, String operation) {
        if (!policy.isOperationAllowed(name, operation)) {
            return false;
        }
        // Hawtio's own registry only lists what the login may do: a viewer needs it to see the console
        return "hawtio".equals(name.getDomain()) || currentLoginIs(ManagementRole.OPERATOR);
    }

    @Override
    public boolean isRemoteAccessAllowed(String... hostOrAddress) {
        return policy.isRemoteAccessAllowed(hostOrAddress);
    }

    /**
     * Strict checks pass here: ManagementOriginGuard already refused every request from a foreign origin. For
     * CORS answers, only configured origins are echoed (Jolokia would echo any).
     */
    @Override
    public boolean isOriginAllowed(String origin, boolean onlyWhenStrictCheckingIsEnabled) {
        if (onlyWhenStrictCheckingIsEnabled || origin == null) {
            return true;
        }
        return allowedOrigins.contains(origin);
    }

    @Override
    public boolean isObjectNameHidden(ObjectName name) {
        return policy.isObjectNameHidden(name);
    }

    @Override
    public boolean ignoreScheme() {
        return false;
    }

    private static boolean currentLoginIs(ManagementRole role) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.isAuthenticated() && auth.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals("ROLE_" + role.name()));
    }
}
