package dev.selfheal.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.test.SelfhealTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.Test;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two deployments on one database with different {@code selfheal.cluster.name}s are two Quartz clusters: each
 * keeps its own triggers (the SCHED_NAME of every qrtz_ row), fires only its own, and neither's start-up clean-up
 * (jobs of schedules it does not list are deleted) nor a kill switch's pause touches the other's.
 */
@SelfhealTest
class ClustersOfDifferentNamesKeepTheirOwnSchedulesTest {

    /** Which scheduler ran the job: the other cluster's job must never run on this service's scheduler. */
    static final List<String> FIRED_ON = new CopyOnWriteArrayList<>();

    public static class RecordingJob implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            try {
                FIRED_ON.add(context.getScheduler().getSchedulerName());
            } catch (SchedulerException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Autowired
    CamelContext camel;
    @Autowired
    QuartzCluster cluster;
    @Autowired
    DataSource dataSource;
    @Autowired
    Schedules schedules;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anotherClusterOnTheSameDatabaseKeepsAndFiresItsOwnSchedules() throws Exception {
        Scheduler ours = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        String otherName = "other-deployment-" + UUID.randomUUID();
        String pool = "selfheal-" + otherName;
        DBConnectionManager.getInstance().addConnectionProvider(pool, new ConnectionProvider() {
            @Override
            public java.sql.Connection getConnection() throws java.sql.SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void shutdown() {
            }

            @Override
            public void initialize() {
            }
        });
        Scheduler other = new StdSchedulerFactory(new QuartzCluster(dataSource, schedules, otherName)
                .quartzProperties(pool)).getScheduler();
        try {
            other.start();
            // a schedule this service does not list, under the same job group and a name this service also uses
            JobKey job = JobKey.jobKey("daily-summary", Schedules.JOB_GROUP);
            other.scheduleJob(JobBuilder.newJob(RecordingJob.class).withIdentity(job).build(),
                    TriggerBuilder.newTrigger().withIdentity("daily-summary", Schedules.JOB_GROUP).startNow()
                            .withSchedule(SimpleScheduleBuilder.repeatSecondlyForever()).build());
            JobKey unlisted = JobKey.jobKey("their-own-report", Schedules.JOB_GROUP);
            other.scheduleJob(JobBuilder.newJob(RecordingJob.class).withIdentity(unlisted).build(),
                    TriggerBuilder.newTrigger().withIdentity("their-own-report", Schedules.JOB_GROUP)
                            .startAt(java.util.Date.from(java.time.Instant.now().plus(Duration.ofDays(1)))).build());

            // this service's start-up clean-up and a kill switch's pause of all its triggers
            cluster.afterApplicationStart(camel);
            TriggerKey ourSummary = TriggerKey.triggerKey("daily-summary", Schedules.JOB_GROUP);
            ours.pauseTrigger(ourSummary);

            assertThat(other.checkExists(unlisted)).as("the other cluster's unlisted schedule is kept").isTrue();
            assertThat(other.getTriggerState(TriggerKey.triggerKey("daily-summary", Schedules.JOB_GROUP)))
                    .as("our pause is not theirs").isEqualTo(Trigger.TriggerState.NORMAL);
            await().atMost(Duration.ofSeconds(30)).until(() -> FIRED_ON.size() >= 3);
            assertThat(FIRED_ON).as("their job runs on their scheduler only").containsOnly(otherName);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM qrtz_triggers WHERE sched_name = ? AND "
                    + "trigger_name = 'daily-summary'", Long.class, otherName)).isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM qrtz_triggers WHERE sched_name = ? AND "
                    + "trigger_name = 'daily-summary'", Long.class, cluster.clusterName())).isEqualTo(1);
            ours.resumeTrigger(ourSummary);
            assertThat(ours.getTriggerState(ourSummary)).isEqualTo(Trigger.TriggerState.NORMAL);
        } finally {
            other.clear();
            other.shutdown(true);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM qrtz_triggers WHERE sched_name = ?", Long.class,
                otherName)).isZero();
    }
}
