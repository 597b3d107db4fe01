package dev.selfheal.scheduling;

import dev.selfheal.sanitize.Sanitizer;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobListener;
import org.quartz.SchedulerException;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The history of the schedules: one {@code phase4_schedule_history} row per fire of a {@code schedules/<name>}
 * Quartz job (due time, fire time, outcome), and one INFO line when a schedule fails.
 */
@Component
public class ScheduleHistory implements JobListener, CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduleHistory.class);

    private final JdbcTemplate jdbc;
    private final Sanitizer sanitizer;

    public ScheduleHistory(JdbcTemplate jdbc, Sanitizer sanitizer) {
        this.jdbc = jdbc;
        this.sanitizer = sanitizer;
    }

    @Override
    public String getName() {
        return "selfheal-schedule-history";
    }

    @Override
    public void jobToBeExecuted(JobExecutionContext context) {
    }

    @Override
    public void jobExecutionVetoed(JobExecutionContext context) {
    }

    @Override
    public void jobWasExecuted(JobExecutionContext context, JobExecutionException failure) {
        String schedule = context.getJobDetail().getKey().getName();
        String detail = failure == null ? null : sanitizer.sanitize(String.valueOf(
                failure.getCause() != null ? failure.getCause() : failure));
        if (failure != null) {
            LOG.info("Schedule {} failed: {}", schedule, detail);
        }
        try {
            jdbc.update("INSERT INTO phase4_schedule_history (schedule, scheduled_for, fired_at, outcome, detail) "
                    + "VALUES (?, ?, ?, ?, ?)", schedule,
                    context.getScheduledFireTime() == null ? null : new Timestamp(context.getScheduledFireTime().getTime()),
                    new Timestamp(context.getFireTime().getTime()), failure == null ? "ok" : "failed", detail);
        } catch (DataAccessException down) {
            // the database being down is reported by its own health check; the fire itself is not lost
            LOG.debug("Schedule history of {} not recorded: {}", schedule, down.getMessage());
        }
    }

    /** The last fire of each schedule: name, due time, fire time, outcome, detail. */
    public List<Map<String, Object>> lastFires() {
        return jdbc.queryForList("SELECT DISTINCT ON (schedule) schedule, scheduled_for, fired_at, finished_at, "
                + "outcome, detail FROM phase4_schedule_history ORDER BY schedule, fired_at DESC");
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        try {
            camelContext.getComponent("quartz", QuartzComponent.class).getScheduler().getListenerManager()
                    .addJobListener(this, GroupMatcher.jobGroupEquals(Schedules.JOB_GROUP));
        } catch (SchedulerException e) {
            throw new IllegalStateException("Could not watch the Quartz schedules: " + e.getMessage(), e);
        }
    }
}
