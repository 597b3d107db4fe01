package dev.selfheal.scheduling;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every Quartz schedule in one list ({@code selfheal.schedules.<name>}): cron (Quartz syntax), time zone, misfire
 * policy, and whether it starts actions (GitHub writes), which the kill switch pauses. Checked by {@link Schedules}.
 */
@ConfigurationProperties("selfheal")
public record ScheduleProperties(Map<String, Schedule> schedules) {

    public ScheduleProperties(@DefaultValue Map<String, Schedule> schedules) {
        this.schedules = schedules == null ? Map.of() : new LinkedHashMap<>(schedules);
    }

    /**
     * @param cron      Quartz cron (seconds first); blank for detection-poll: the cron of phase4-detection-rules.json
     * @param timeZone  the zone the cron is read in
     * @param misfire   what a fire missed while the service was busy or down does: fire-once-now or do-nothing
     * @param action    true when the job writes to GitHub: paused while the kill switch is engaged
     */
    public record Schedule(String cron, @DefaultValue("UTC") String timeZone,
            @DefaultValue("fire-once-now") String misfire, @DefaultValue("false") boolean action,
            String description) {
    }
}
