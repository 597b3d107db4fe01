package dev.selfheal.killswitch;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code selfheal.killswitch.*}: how often the watch route looks at the KILLSWITCH file and the automatic
 * conditions, how long after an engage the verification runs, the largest KILLSWITCH file read, which re-runs
 * count as in flight (sent this long ago or less, not completed), the repository that gets the GitHub issue
 * of a kill switch change (blank: the first watched repository), and whether the automatic conditions may engage
 * it at all (off: only a person or the file engages it), and the scheduled workflows ({@code owner/repo:workflow},
 * the workflow's file name or id) an engage disables on GitHub and its release enables again.
 */
@ConfigurationProperties("selfheal.killswitch")
public record KillSwitchProperties(
        Duration watchPeriod,
        Duration verifyAfter,
        int fileMaxBytes,
        Duration inFlightWindow,
        String issueRepository,
        boolean automatic,
        List<String> disableWorkflows) {

    public KillSwitchProperties(
            @DefaultValue("5s") Duration watchPeriod,
            @DefaultValue("3s") Duration verifyAfter,
            @DefaultValue("1024") int fileMaxBytes,
            @DefaultValue("6h") Duration inFlightWindow,
            @DefaultValue("") String issueRepository,
            @DefaultValue("true") boolean automatic,
            @DefaultValue List<String> disableWorkflows) {
        if (watchPeriod.isNegative() || watchPeriod.isZero()) {
            throw new IllegalArgumentException("selfheal.killswitch.watch-period must be positive, was " + watchPeriod);
        }
        if (fileMaxBytes < 1 || fileMaxBytes > 65_536) {
            throw new IllegalArgumentException("selfheal.killswitch.file-max-bytes must be 1..65536, was " + fileMaxBytes);
        }
        this.watchPeriod = watchPeriod;
        this.verifyAfter = verifyAfter;
        this.fileMaxBytes = fileMaxBytes;
        this.inFlightWindow = inFlightWindow;
        this.issueRepository = issueRepository;
        this.automatic = automatic;
        this.disableWorkflows = disableWorkflows == null ? List.of() : List.copyOf(disableWorkflows);
        for (String w : this.disableWorkflows) {
            if (!w.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("selfheal.killswitch.disable-workflows: '" + w
                        + "' must be owner/repo:workflow (the workflow's file name or id)");
            }
        }
    }
}
