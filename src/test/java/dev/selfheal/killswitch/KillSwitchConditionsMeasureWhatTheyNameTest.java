package dev.selfheal.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.selfheal.policy.KillSwitchRules.Condition;
import dev.selfheal.test.SelfhealTest;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each automatic condition of the kill switch reads what it names: seeded rows (or held connections) raise its
 * value past a threshold and it is met; the condition below its threshold is not. The rows are seeded in a
 * transaction that is rolled back, so no other service on the database ever sees them (its own watch would
 * engage the switch for real).
 */
@SelfhealTest
class KillSwitchConditionsMeasureWhatTheyNameTest {

    @Autowired
    KillSwitchConditions conditions;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    DataSource dataSource;

    /** Runs {@code check} with {@code seed} done first, in one transaction that is then rolled back. */
    private <T> T seeded(Runnable seed, Supplier<T> check) {
        TransactionTemplate tx = new TransactionTemplate(transactions);
        return tx.execute(status -> {
            status.setRollbackOnly();
            seed.run();
            return check.get();
        });
    }

    private long valueOf(String type, Integer window, Runnable seed) {
        KillSwitchConditions.Met met = seeded(seed, () -> conditions.check(new Condition("probe", type, 0, window)));
        assertThat(met).as(type + " with threshold 0").isNotNull();
        return met.value();
    }

    private KillSwitchConditions.Met check(String type, int threshold, Integer window, Runnable seed) {
        return seeded(seed, () -> conditions.check(new Condition("probe", type, threshold, window)));
    }

    @Test
    void outputFailuresCountFailedSendsOfTheWindow() {
        long before = valueOf("output_failures", 15, () -> { });
        Runnable seed = () -> {
            for (int i = 0; i < 3; i++) {
                jdbc.update("INSERT INTO phase4_notifications (event_type, channel, outcome) VALUES ('final_failure', "
                        + "'slack', 'failed')");
            }
            // outside the window: not counted
            jdbc.update("INSERT INTO phase4_notifications (event_type, channel, outcome, attempted_at) VALUES "
                    + "('final_failure', 'slack', 'failed', now() - interval '1 hour')");
        };
        KillSwitchConditions.Met met = check("output_failures", (int) before + 3, 15, seed);
        assertThat(met).isNotNull();
        assertThat(met.value()).isGreaterThanOrEqualTo(before + 3);
        assertThat(met.reason()).contains("Slack/GitHub issue sends that failed in the last 15 minutes");
        assertThat(check("output_failures", (int) before + 4 + 1000, 15, seed)).isNull();
        // rolled back: nothing of it is left
        assertThat(valueOf("output_failures", 15, () -> { })).isLessThan(before + 3);
    }

    @Test
    void sameCauseLoopCountsRunsOfOneWorkflowFailingAgainWithTheSameCause() {
        String repo = "ks-loop/r" + System.nanoTime();
        Runnable seed = () -> {
            // re-runs past the maximum that other test classes left in the shared database meet the condition
            // whatever the threshold: moved out of the window (rolled back with the rest)
            jdbc.update("UPDATE phase4_retry_history SET created_at = created_at - interval '1 day' WHERE attempt > 3");
            for (int i = 0; i < 4; i++) {
                jdbc.update("INSERT INTO phase4_metrics (run_id, repository, workflow_id, conclusion, final_failure, "
                        + "retry_count, failure_category) VALUES (?, ?, 7, 'failure', true, 1, "
                        + "'transient_infrastructure')", System.nanoTime(), repo);
            }
        };
        KillSwitchConditions.Met met = check("same_cause_loop", 4, 60, seed);
        assertThat(met).isNotNull();
        assertThat(met.value()).isGreaterThanOrEqualTo(4);
        assertThat(check("same_cause_loop", 1000, 60, seed)).isNull();
    }

    @Test
    void guardViolationsCountBlocksInARow() {
        Runnable seed = () -> {
            for (int i = 0; i < 5; i++) {
                jdbc.update("INSERT INTO phase4_retry_history (original_run_id, repository, attempt, category, "
                        + "interval_seconds, due_at, status, requested_at, completed_at) VALUES (?, 'ks-guard/r', 1, "
                        + "'transient_infrastructure', 5, now(), 'blocked', now() + interval '1 minute', now() + "
                        + "interval '1 minute')", System.nanoTime());
            }
        };
        KillSwitchConditions.Met met = check("guard_violations", 5, 10, seed);
        assertThat(met).isNotNull();
        assertThat(met.value()).isEqualTo(5);
        // one re-run the guard let through after them breaks the row
        Runnable broken = () -> {
            seed.run();
            jdbc.update("INSERT INTO phase4_retry_history (original_run_id, repository, attempt, category, "
                    + "interval_seconds, due_at, status, requested_at) VALUES (?, 'ks-guard/r', 1, "
                    + "'transient_infrastructure', 5, now(), 'sent', now() + interval '2 minutes')", System.nanoTime());
        };
        assertThat(check("guard_violations", 5, 10, broken)).isNull();
    }

    @Test
    void outboxBacklogCountsDeliveriesOverdueBeyondTheWindow() {
        long before = valueOf("outbox_backlog", 15, () -> { });
        Runnable seed = () -> {
            Long event = jdbc.queryForObject("INSERT INTO phase4_events (event_type, repository) VALUES "
                    + "('killswitch_probe', 'ks-backlog/r') RETURNING id", Long.class);
            jdbc.update("INSERT INTO phase4_event_deliveries (event_id, consumer, status, due_at) "
                    + "SELECT ?, consumer, 'pending', now() - interval '20 minutes' FROM phase4_event_consumers "
                    + "ON CONFLICT (event_id, consumer) DO UPDATE SET due_at = EXCLUDED.due_at, status = 'pending'",
                    event);
        };
        long consumers = jdbc.queryForObject("SELECT count(*) FROM phase4_event_consumers", Long.class);
        KillSwitchConditions.Met met = check("outbox_backlog", (int) (before + consumers), 15, seed);
        assertThat(met).isNotNull();
        assertThat(met.detail()).contains("overdue by more than 15 minutes");
        // overdue by less than the window: not counted
        assertThat(check("outbox_backlog", (int) (before + consumers), 30, seed)).isNull();
    }

    @Test
    void heapUsedPercentReadsTheHeap() {
        KillSwitchConditions.Met met = check("heap_used_percent", 1, null, () -> { });
        assertThat(met).isNotNull();
        assertThat(met.value()).isBetween(1L, 100L);
        assertThat(check("heap_used_percent", 101, null, () -> { })).isNull();
    }

    @Test
    void dbPoolWaitersCountThreadsWaitingForAConnection() throws Exception {
        HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
        int size = hikari.getMaximumPoolSize();
        List<Connection> held = new ArrayList<>();
        ExecutorService waiters = Executors.newFixedThreadPool(3);
        CountDownLatch started = new CountDownLatch(3);
        try {
            for (int i = 0; i < size; i++) {
                held.add(hikari.getConnection());
            }
            for (int i = 0; i < 3; i++) {
                waiters.submit(() -> {
                    started.countDown();
                    try (Connection c = hikari.getConnection()) {
                        return c.isValid(1);
                    }
                });
            }
            started.await(10, TimeUnit.SECONDS);
            Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    conditions.check(new Condition("probe", "db_pool_waiters", 3, null)) != null);
            KillSwitchConditions.Met met = conditions.check(new Condition("probe", "db_pool_waiters", 3, null));
            assertThat(met.value()).isGreaterThanOrEqualTo(3);
        } finally {
            for (Connection c : held) {
                c.close();
            }
            waiters.shutdown();
            waiters.awaitTermination(30, TimeUnit.SECONDS);
        }
        Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                conditions.check(new Condition("probe", "db_pool_waiters", 1, null)) == null);
    }
}
