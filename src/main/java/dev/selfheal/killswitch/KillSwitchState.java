package dev.selfheal.killswitch;

import java.time.Instant;
import java.util.List;

/**
 * What the kill switch is doing: engaged or not, since when, why, by whom, through which trigger, what it stopped
 * (so a release restores exactly that) and the verification of the engage. {@code id} is its
 * phase4_killswitch_log row.
 */
public record KillSwitchState(boolean engaged, Long id, Instant since, String trigger, String reason, String actor,
        String conditionId, List<String> stoppedRoutes, List<String> pausedTriggers, List<Long> cancelledRuns,
        String verification, Instant verifiedAt) {

    public static KillSwitchState released() {
        return new KillSwitchState(false, null, null, null, null, null, null, List.of(), List.of(), List.of(), null,
                null);
    }

    public KillSwitchState withStopped(List<String> routes, List<String> triggers) {
        return new KillSwitchState(engaged, id, since, trigger, reason, actor, conditionId, List.copyOf(routes),
                List.copyOf(triggers), cancelledRuns, verification, verifiedAt);
    }

    public KillSwitchState withVerification(String result, Instant at) {
        return new KillSwitchState(engaged, id, since, trigger, reason, actor, conditionId, stoppedRoutes,
                pausedTriggers, cancelledRuns, result, at);
    }

    public KillSwitchState withCancelled(List<Long> runs) {
        return new KillSwitchState(engaged, id, since, trigger, reason, actor, conditionId, stoppedRoutes,
                pausedTriggers, List.copyOf(runs), verification, verifiedAt);
    }
}
