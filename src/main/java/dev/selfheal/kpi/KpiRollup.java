package dev.selfheal.kpi;

import dev.selfheal.reports.ReportLog;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps {@code phase4_kpi_daily} up to date (route kpi-rollup, Quartz). Incremental: only the JST days holding a
 * run changed since the last refresh are recomputed, each with the same query as a full recompute (rollup_day),
 * so both give the same table. The watermark goes back a little before the last refresh because a run updated
 * by a transaction that began earlier commits with that earlier time.
 */
@Component
public class KpiRollup {

    /** How far before the last refresh changed runs are looked for (see the class comment). */
    static final String OVERLAP = "5 minutes";

    private final KpiQueries queries;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ReportLog reportLog;

    public KpiRollup(KpiQueries queries, JdbcTemplate jdbc, TransactionTemplate tx, ReportLog reportLog) {
        this.queries = queries;
        this.jdbc = jdbc;
        this.tx = tx;
        this.reportLog = reportLog;
    }

    /** Recomputes the days whose runs changed since the last refresh; the number of days recomputed. */
    public int refresh() {
        OffsetDateTime started = jdbc.queryForObject("SELECT now()", OffsetDateTime.class);
        OffsetDateTime since = jdbc.queryForObject("SELECT refreshed_until - interval '" + OVERLAP + "' "
                + "FROM phase4_kpi_rollup_state WHERE id = 1", OffsetDateTime.class);
        List<LocalDate> days = queries.rows("changed_days", Map.of("since", since == null ? OffsetDateTime.MIN
                : since)).stream().map(r -> ((java.sql.Date) r.get("day")).toLocalDate()).toList();
        for (LocalDate day : days) {
            recompute(day);
        }
        jdbc.update("UPDATE phase4_kpi_rollup_state SET refreshed_until = ?, refreshed_at = now() WHERE id = 1",
                Timestamp.from(started.toInstant()));
        if (!days.isEmpty()) {
            reportLog.append("kpi", "KPI rollup refreshed " + days.size() + " day(s): "
                    + days.get(0) + (days.size() > 1 ? " .. " + days.get(days.size() - 1) : ""));
        }
        return days.size();
    }

    /** Rebuilds the whole table from every run (and moves the watermark): what the incremental refresh must equal. */
    public int recomputeAll() {
        OffsetDateTime started = jdbc.queryForObject("SELECT now()", OffsetDateTime.class);
        List<LocalDate> days = jdbc.queryForList("SELECT DISTINCT CAST(created_at AT TIME ZONE 'Asia/Tokyo' AS date) "
                + "FROM phase4_metrics ORDER BY 1", LocalDate.class);
        tx.executeWithoutResult(s -> {
            lock();
            jdbc.update("DELETE FROM phase4_kpi_daily");
            for (LocalDate day : days) {
                queries.update("rollup_day", new KpiWindow(day, day.plusDays(1), null).parameters());
            }
            jdbc.update("UPDATE phase4_kpi_rollup_state SET refreshed_until = ?, refreshed_at = now() WHERE id = 1",
                    Timestamp.from(started.toInstant()));
        });
        reportLog.append("kpi", "KPI rollup recomputed from every run: " + days.size() + " day(s)");
        return days.size();
    }

    /** One day: its rows deleted and counted again, in one transaction (readers see the old or the new day). */
    void recompute(LocalDate day) {
        tx.executeWithoutResult(s -> {
            lock();
            jdbc.update("DELETE FROM phase4_kpi_daily WHERE day = ?", day);
            queries.update("rollup_day", new KpiWindow(day, day.plusDays(1), null).parameters());
        });
    }

    /** Two refreshes (a second instance, a command) of the same day would insert the same keys: one at a time. */
    private void lock() {
        jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtext('phase4_kpi_daily'))");
    }
}
