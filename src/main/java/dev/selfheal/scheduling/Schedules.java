package dev.selfheal.scheduling;

import dev.selfheal.policy.PolicyFiles;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.quartz.CronExpression;
import org.quartz.CronTrigger;
import org.springframework.stereotype.Component;

/**
 * The schedules of {@code selfheal.schedules}, checked at start-up (a bad cron, zone or misfire policy stops the
 * service naming the schedule) and handed to the routes as Camel properties {@code schedule.<name>.cron}
 * ({@code +} for spaces, as Quartz URIs take it), {@code schedule.<name>.time-zone} and
 * {@code schedule.<name>.misfire} (Quartz's misfire instruction number). Every Quartz route's job is
 * {@code schedules/<name>}, so the schedule history and Hawtio's Quartz tab show the same names.
 */
@Component
public class Schedules implements CamelContextConfiguration {

    public static final String JOB_GROUP = "schedules";

    /** Quartz's cron-trigger misfire instructions by the names operators write. */
    static final Map<String, Integer> MISFIRE = Map.of(
            "fire-once-now", CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW,
            "do-nothing", CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING);

    public record Entry(String name, String cron, ZoneId timeZone, String misfire, boolean action,
            String description) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public Schedules(ScheduleProperties properties, PolicyFiles policies) {
        List<String> problems = new ArrayList<>();
        properties.schedules().forEach((name, s) -> {
            String cron = s.cron() == null || s.cron().isBlank()
                    ? ("detection-poll".equals(name) ? policies.detectionRules().poll().cron() : null)
                    : s.cron().trim().replace('+', ' ');
            if (cron == null || !CronExpression.isValidExpression(cron)) {
                problems.add("selfheal.schedules." + name + ".cron: '" + cron + "' is not a Quartz cron "
                        + "(seconds minutes hours day-of-month month day-of-week, e.g. 0 0 9 * * ?)");
            }
            ZoneId zone = null;
            try {
                zone = ZoneId.of(s.timeZone());
            } catch (DateTimeException | NullPointerException bad) {
                problems.add("selfheal.schedules." + name + ".time-zone: '" + s.timeZone() + "' is not a time zone "
                        + "(e.g. UTC, Asia/Tokyo)");
            }
            if (!MISFIRE.containsKey(s.misfire())) {
                problems.add("selfheal.schedules." + name + ".misfire: '" + s.misfire() + "' is not one of "
                        + MISFIRE.keySet());
            }
            entries.put(name, new Entry(name, cron, zone, s.misfire(), s.action(), s.description()));
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Bad schedule configuration: " + String.join("; ", problems));
        }
    }

    public List<Entry> all() {
        return List.copyOf(entries.values());
    }

    /** The schedules that start GitHub writes: the kill switch pauses their triggers. */
    public List<Entry> actions() {
        return entries.values().stream().filter(Entry::action).toList();
    }

    public Entry get(String name) {
        return entries.get(name);
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        var pc = camelContext.getPropertiesComponent();
        for (Entry e : entries.values()) {
            pc.addInitialProperty("schedule." + e.name() + ".cron", e.cron().replace(' ', '+'));
            pc.addInitialProperty("schedule." + e.name() + ".time-zone", e.timeZone().getId());
            pc.addInitialProperty("schedule." + e.name() + ".misfire", String.valueOf(MISFIRE.get(e.misfire())));
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
    }
}
