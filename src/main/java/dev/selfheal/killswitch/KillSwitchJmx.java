package dev.selfheal.killswitch;

import dev.selfheal.jmx.PlatformMBeans;
import jakarta.annotation.PreDestroy;
import javax.management.JMException;
import javax.management.ObjectName;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The kill switch in Hawtio/JMX as {@code dev.selfheal:type=KillSwitch}, registered on the platform MBean server
 * (jolokia-access.xml lets operators call engage/release and everyone read the attributes). The actor is the
 * Jolokia login when there is one, else "jmx". A bad reason is refused with the exception's message.
 */
@Component
public class KillSwitchJmx implements KillSwitchJmxMBean {

    public static final String OBJECT_NAME = "dev.selfheal:type=KillSwitch";

    private final KillSwitch killSwitch;
    private final ObjectName name;

    public KillSwitchJmx(KillSwitch killSwitch) throws JMException {
        this.killSwitch = killSwitch;
        this.name = PlatformMBeans.register(this, OBJECT_NAME);
    }

    @PreDestroy
    void unregister() throws JMException {
        PlatformMBeans.unregister(OBJECT_NAME);
    }

    @Override
    public String engage(String reason) {
        KillSwitchState s = killSwitch.engage("mbean", reason, actor(), null);
        return "engaged since " + s.since() + " by " + s.actor() + ": " + s.reason();
    }

    @Override
    public String release(String reason) {
        killSwitch.release(reason, actor());
        return "released";
    }

    @Override
    public boolean isEngaged() {
        return killSwitch.engaged();
    }

    @Override
    public String getEngagedAt() {
        KillSwitchState s = killSwitch.state();
        return s.since() == null ? "" : s.since().toString();
    }

    @Override
    public String getReason() {
        return nullToEmpty(killSwitch.state().reason());
    }

    @Override
    public String getActor() {
        return nullToEmpty(killSwitch.state().actor());
    }

    @Override
    public String getTrigger() {
        return nullToEmpty(killSwitch.state().trigger());
    }

    @Override
    public String getStoppedRoutes() {
        return String.join(",", killSwitch.state().stoppedRoutes());
    }

    @Override
    public String getVerification() {
        return nullToEmpty(killSwitch.state().verification());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String actor() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() || auth.getName() == null ? "jmx" : auth.getName();
    }
}
