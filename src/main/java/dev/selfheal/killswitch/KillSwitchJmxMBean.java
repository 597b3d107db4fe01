package dev.selfheal.killswitch;

/** The management interface of {@code dev.selfheal:type=KillSwitch} (what Hawtio and Jolokia show). */
public interface KillSwitchJmxMBean {

    /** Stops every automatic action now; the reason is recorded and notified. */
    String engage(String reason);

    /** Restores exactly what the engage stopped; the reason is recorded and notified. */
    String release(String reason);

    boolean isEngaged();

    String getEngagedAt();

    String getReason();

    String getActor();

    String getTrigger();

    String getStoppedRoutes();

    String getVerification();
}
