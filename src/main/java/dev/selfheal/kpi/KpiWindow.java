package dev.selfheal.kpi;

import dev.selfheal.reports.ReportFolders;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * A KPI window: whole JST days, {@code fromDay} included, {@code toDay} excluded (the day folders' calendar).
 * {@code repository} narrows every query to one repository; null means all of them.
 */
public record KpiWindow(LocalDate fromDay, LocalDate toDay, String repository) {

    public KpiWindow {
        if (!fromDay.isBefore(toDay)) {
            throw new IllegalArgumentException("a KPI window needs at least one day: " + fromDay + " .. " + toDay);
        }
    }

    /** The {@code days} JST days that end with the day of {@code now} (today included): the rolling window. */
    public static KpiWindow endingOn(Instant now, int days) {
        if (days < 1) {
            throw new IllegalArgumentException("window-days must be at least 1, not " + days);
        }
        LocalDate today = ReportFolders.jstDate(now);
        return new KpiWindow(today.minusDays(days - 1L), today.plusDays(1), null);
    }

    public KpiWindow forRepository(String repo) {
        return new KpiWindow(fromDay, toDay, repo);
    }

    public int days() {
        return (int) (toDay.toEpochDay() - fromDay.toEpochDay());
    }

    public static OffsetDateTime startOf(LocalDate day) {
        return day.atStartOfDay(ReportFolders.JST).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
    }

    public OffsetDateTime from() {
        return startOf(fromDay);
    }

    public OffsetDateTime to() {
        return startOf(toDay);
    }

    /** The named parameters every KPI query may use. */
    public Map<String, Object> parameters() {
        Map<String, Object> p = new HashMap<>();
        p.put("from", from());
        p.put("to", to());
        p.put("fromDay", fromDay);
        p.put("toDay", toDay);
        p.put("repository", repository);
        return p;
    }
}
