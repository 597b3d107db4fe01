package dev.selfheal.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.SelfhealTest;
import java.util.TimeZone;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.CamelJob;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.Test;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The Quartz triggers live in the database (clustered JDBC job store), so they outlive the configuration they were
 * made from: at start-up the stored ones are brought in line with selfheal.schedules (cron, zone, misfire policy)
 * and those of schedules no longer listed are deleted. A start-up is replayed here on stale stored triggers.
 */
@SelfhealTest
class StoredTriggersFollowTheScheduleListTest {

    @Autowired
    CamelContext camel;
    @Autowired
    QuartzCluster cluster;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void staleStoredTriggersAreReplacedAndRetiredSchedulesDeleted() throws Exception {
        Scheduler quartz = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        assertThat(quartz.getMetaData().isJobStoreClustered()).as("clustered JDBC job store").isTrue();
        assertThat(quartz.getSchedulerName()).isEqualTo(cluster.clusterName());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM qrtz_cron_triggers WHERE sched_name = ? AND "
                + "trigger_name = 'daily-summary'", Long.class, cluster.clusterName())).as("stored in PostgreSQL")
                .isEqualTo(1);

        // what an earlier configuration left in the database: another cron, zone and misfire policy, and a
        // schedule that is no longer in the list
        TriggerKey summary = TriggerKey.triggerKey("daily-summary", Schedules.JOB_GROUP);
        quartz.rescheduleJob(summary, TriggerBuilder.newTrigger().withIdentity(summary)
                .forJob(JobKey.jobKey("daily-summary", Schedules.JOB_GROUP))
                .withSchedule(CronScheduleBuilder.cronSchedule("0 30 7 * * ?").inTimeZone(TimeZone.getTimeZone("UTC"))
                        .withMisfireHandlingInstructionDoNothing()).build());
        JobKey retired = JobKey.jobKey("retired-report", Schedules.JOB_GROUP);
        quartz.scheduleJob(JobBuilder.newJob(CamelJob.class).withIdentity(retired).build(),
                TriggerBuilder.newTrigger().withIdentity("retired-report", Schedules.JOB_GROUP)
                        .withSchedule(CronScheduleBuilder.cronSchedule("0 0 1 * * ?")).build());

        cluster.afterApplicationStart(camel);

        CronTrigger now = (CronTrigger) quartz.getTrigger(summary);
        assertThat(now.getCronExpression()).isEqualTo("0 0 9 * * ?");
        assertThat(now.getTimeZone().getID()).isEqualTo("Asia/Tokyo");
        assertThat(now.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
        assertThat(quartz.checkExists(retired)).as("the retired schedule's job").isFalse();
        assertThat(quartz.checkExists(JobKey.jobKey("daily-summary", Schedules.JOB_GROUP))).isTrue();
    }
}
