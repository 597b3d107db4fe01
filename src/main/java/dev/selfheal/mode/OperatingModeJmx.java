package dev.selfheal.mode;

import dev.selfheal.jmx.PlatformMBeans;
import jakarta.annotation.PreDestroy;
import javax.management.JMException;
import javax.management.ObjectName;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The mode in Hawtio/JMX as {@code dev.selfheal:type=OperatingMode} (operators may call setMode; the actor is the
 * Jolokia login, else "jmx"), with the count of writes observe mode held back.
 */
@Component
public class OperatingModeJmx implements OperatingModeJmxMBean {

    public static final String OBJECT_NAME = "dev.selfheal:type=OperatingMode";

    private final OperatingMode mode;
    private final ObjectName name;

    public OperatingModeJmx(OperatingMode mode) throws JMException {
        this.mode = mode;
        this.name = PlatformMBeans.register(this, OBJECT_NAME);
    }

    @PreDestroy
    void unregister() throws JMException {
        PlatformMBeans.unregister(OBJECT_NAME);
    }

    @Override
    public String getMode() {
        return mode.current();
    }

    @Override
    public String setMode(String newMode, String reason) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        String actor = auth == null || !auth.isAuthenticated() || auth.getName() == null ? "jmx" : auth.getName();
        return mode.set(newMode, reason, actor, "mbean");
    }

    @Override
    public long getWithheldWrites() {
        return mode.withheld();
    }
}
