package dev.selfheal.kpi;

/** One KPI definition of {@code kpi/kpi-queries.sql}: its name, what it measures (the comment) and its SQL. */
public record NamedQuery(String name, String description, String sql) {
}
