package dev.selfheal.mode;

/** The management interface of {@code dev.selfheal:type=OperatingMode}. */
public interface OperatingModeJmxMBean {

    /** observe or act. */
    String getMode();

    /** Switches to observe or act; the reason is recorded. Returns the previous mode. */
    String setMode(String mode, String reason);

    /** GitHub writes held back in observe mode since the start. */
    long getWithheldWrites();
}
