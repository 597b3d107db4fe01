package dev.selfheal.scheduling;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.TimeZone;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The Quartz scheduler of camel-quartz, clustered on PostgreSQL: Quartz's JDBC job store (tables qrtz_*) over the
 * service's own connection pool, so every instance started with the same {@code selfheal.cluster.name} shares one
 * set of triggers and each due time of a schedule fires on one instance only (the others take over within
 * Quartz's check-in interval when that instance dies). The rest of Quartz's settings (thread pool, JMX export for
 * Hawtio's Quartz tab, misfire threshold) are in selfheal-quartz.properties.
 */
@Component
@Order(0)
public class QuartzCluster implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(QuartzCluster.class);

    private final DataSource dataSource;
    private final Schedules schedules;
    private final String clusterName;

    public QuartzCluster(DataSource dataSource, Schedules schedules,
            @Value("${selfheal.cluster.name:selfheal}") String clusterName) {
        this.dataSource = dataSource;
        this.schedules = schedules;
        this.clusterName = clusterName;
    }

    public String clusterName() {
        return clusterName;
    }

    /** Quartz's settings: the shipped file, with the scheduler name and the job store on the service's pool. */
    Properties quartzProperties(String dataSourceName) {
        Properties p = new Properties();
        try (InputStream in = QuartzCluster.class.getResourceAsStream("/selfheal-quartz.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the scheduler name is the cluster: instances sharing it share triggers (the SCHED_NAME of every qrtz_ row)
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, clusterName);
        p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        return p;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // Quartz finds its connections by name in a JVM-wide registry: one name per Spring context, so two
        // contexts in one JVM (the tests) never use each other's pool
        String dataSourceName = "selfheal-" + clusterName + "-" + Integer.toHexString(System.identityHashCode(this));
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new ServicePool(dataSource));
        try {
            QuartzComponent quartz = camelContext.getComponent("quartz", QuartzComponent.class);
            quartz.setSchedulerFactory(new StdSchedulerFactory(quartzProperties(dataSourceName)));
        } catch (SchedulerException e) {
            throw new IllegalStateException("Bad Quartz settings: " + e.getMessage(), e);
        }
    }

    /**
     * The stored triggers made to match selfheal.schedules: camel-quartz replaces a stored trigger only when its
     * cron changed, so a new time zone or misfire policy would be left stale in the database; a schedule no longer
     * in the list is deleted (its job would fire into no route).
     */
    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        Scheduler scheduler = camelContext.getComponent("quartz", QuartzComponent.class).getScheduler();
        try {
            for (JobKey job : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(Schedules.JOB_GROUP))) {
                if (schedules.get(job.getName()) == null) {
                    LOG.info("Schedule {} is no longer in selfheal.schedules: its stored Quartz job is deleted",
                            job.getName());
                    scheduler.deleteJob(job);
                }
            }
            for (Schedules.Entry e : schedules.all()) {
                TriggerKey key = TriggerKey.triggerKey(e.name(), Schedules.JOB_GROUP);
                if (scheduler.getTrigger(key) instanceof CronTrigger stored && !matches(stored, e)) {
                    LOG.info("Schedule {}: the stored trigger ({} {} misfire {}) is replaced by the configured one",
                            e.name(), stored.getCronExpression(), stored.getTimeZone().getID(),
                            stored.getMisfireInstruction());
                    // a replaced trigger starts unpaused: one the kill switch paused stays paused
                    boolean paused = scheduler.getTriggerState(key) == Trigger.TriggerState.PAUSED;
                    scheduler.rescheduleJob(key, TriggerBuilder.newTrigger().withIdentity(key)
                            .forJob(stored.getJobKey()).withSchedule(misfire(CronScheduleBuilder
                                    .cronSchedule(e.cron()).inTimeZone(TimeZone.getTimeZone(e.timeZone())), e))
                            .build());
                    if (paused) {
                        scheduler.pauseTrigger(key);
                    }
                }
            }
        } catch (SchedulerException ex) {
            throw new IllegalStateException("Could not bring the stored Quartz triggers in line with "
                    + "selfheal.schedules: " + ex.getMessage(), ex);
        }
    }

    /** Quartz's connections from the service's HikariCP pool, which Spring closes after Camel. */
    private record ServicePool(DataSource dataSource) implements ConnectionProvider {

        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    }

    static boolean matches(CronTrigger stored, Schedules.Entry e) {
        return stored.getCronExpression().equals(e.cron())
                && stored.getTimeZone().getID().equals(e.timeZone().getId())
                && stored.getMisfireInstruction() == Schedules.MISFIRE.get(e.misfire());
    }

    private static CronScheduleBuilder misfire(CronScheduleBuilder cron, Schedules.Entry e) {
        return Schedules.MISFIRE.get(e.misfire()) == CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING
                ? cron.withMisfireHandlingInstructionDoNothing()
                : cron.withMisfireHandlingInstructionFireAndProceed();
    }
}
