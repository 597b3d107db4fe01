package dev.selfheal.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.selfheal.test.ManagementLogin;
import dev.selfheal.test.SelfhealTest;
import java.time.Duration;
import java.util.Map;
import java.util.TimeZone;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerKey;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every schedule comes from the one list selfheal.schedules: its Quartz trigger has the list's cron, zone and
 * misfire policy; each fire is recorded with its outcome; the scheduler is visible to Hawtio (Jolokia) with the
 * next fire times; a bad entry stops the start naming it.
 */
@SelfhealTest
@DisableJmx(false)
class SchedulesAreOneListWithHistoryTest {

    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Schedules schedules;
    @LocalManagementPort
    int managementPort;

    @Test
    void theDailySummaryTriggerIsTheListsAndEachFireIsRecorded() throws Exception {
        Scheduler quartz = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        var trigger = (CronTrigger) quartz.getTrigger(TriggerKey.triggerKey("daily-summary", Schedules.JOB_GROUP));
        assertThat(trigger).as("job schedules/daily-summary").isNotNull();
        assertThat(trigger.getCronExpression()).isEqualTo("0 0 9 * * ?");
        assertThat(trigger.getTimeZone()).isEqualTo(TimeZone.getTimeZone("Asia/Tokyo"));
        assertThat(trigger.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
        assertThat(schedules.actions()).extracting(Schedules.Entry::name).containsExactly("self-trigger");

        long before = jdbc.queryForObject("SELECT count(*) FROM phase4_schedule_history WHERE schedule = "
                + "'daily-summary'", Long.class);
        quartz.triggerJob(JobKey.jobKey("daily-summary", Schedules.JOB_GROUP));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("SELECT count(*) FROM "
                + "phase4_schedule_history WHERE schedule = 'daily-summary'", Long.class) > before);
        Map<String, Object> last = jdbc.queryForMap("SELECT outcome, fired_at FROM phase4_schedule_history WHERE "
                + "schedule = 'daily-summary' ORDER BY id DESC LIMIT 1");
        assertThat(last.get("outcome")).isEqualTo("ok");
        assertThat(last.get("fired_at")).isNotNull();

        // what Hawtio's Quartz tab reads: the scheduler MBean and its triggers' next fire times
        String answer = ManagementLogin.jolokia(managementPort, "{\"type\":\"exec\",\"mbean\":"
                + "\"" + quartzMBean() + "\",\"operation\":\"getTriggersOfJob\","
                + "\"arguments\":[\"daily-summary\",\"schedules\"]}");
        // 09:00 in Tokyo is 00:00 UTC
        assertThat(answer).contains("\"status\":200").containsPattern("\"nextFireTime\":\"[0-9-]+T00:00:00Z\"");
    }

    private static String quartzMBean() throws Exception {
        var names = java.lang.management.ManagementFactory.getPlatformMBeanServer()
                .queryNames(new javax.management.ObjectName("quartz:type=QuartzScheduler,*"), null);
        assertThat(names).as("Quartz's scheduler MBean").isNotEmpty();
        return names.iterator().next().toString();
    }

    @Test
    void aBadCronOrZoneStopsTheStartNamingTheSchedule() {
        var bad = new ScheduleProperties(Map.of(
                "export", new ScheduleProperties.Schedule("every day", "UTC", "fire-once-now", false, null),
                "kpi", new ScheduleProperties.Schedule("0 0 1 * * ?", "Mars/Olympus", "sometimes", false, null)));
        assertThatThrownBy(() -> new Schedules(bad, null)).hasMessageContaining("selfheal.schedules.export.cron")
                .hasMessageContaining("selfheal.schedules.kpi.time-zone")
                .hasMessageContaining("selfheal.schedules.kpi.misfire");
    }
}
