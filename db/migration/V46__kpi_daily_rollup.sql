-- KPI daily rollup (docs/ops/OPS_HEALTH_KPI.md): one row per JST day, repository, workflow and failure category
-- with the counts and sums every window KPI is made of, so a 7-day view adds up 7 days of rows instead of
-- reading every run. The counting SQL is src/main/resources/kpi/kpi-queries.sql (rollup_days); the Quartz route
-- kpi-rollup refreshes only the days whose runs changed since the last refresh.
CREATE TABLE phase4_kpi_daily (
    day                    date    NOT NULL,
    repository             text    NOT NULL,
    workflow_name          text    NOT NULL,
    -- '' for runs without a failure category (successes)
    failure_category       text    NOT NULL,
    runs                   integer NOT NULL,
    first_attempt_success  integer NOT NULL,
    final_success          integer NOT NULL,
    failed_runs            integer NOT NULL,
    rerun_runs             integer NOT NULL,
    healed_runs            integer NOT NULL,
    healed_within_24h      integer NOT NULL,
    flaky_runs             integer NOT NULL,
    final_failures         integer NOT NULL,
    reruns                 integer NOT NULL,
    duration_seconds_sum   bigint  NOT NULL,
    duration_count         integer NOT NULL,
    recovery_seconds_sum   bigint  NOT NULL,
    PRIMARY KEY (day, repository, workflow_name, failure_category)
);

-- Where the last incremental refresh stopped: runs updated after it (less a safety overlap for transactions
-- that committed late) have their days recomputed.
CREATE TABLE phase4_kpi_rollup_state (
    id               integer     PRIMARY KEY CHECK (id = 1),
    refreshed_until  timestamptz NOT NULL,
    refreshed_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO phase4_kpi_rollup_state (id, refreshed_until) VALUES (1, '-infinity');

-- Every change of a run row moves updated_at, whichever module makes it, so no change escapes the refresh.
CREATE FUNCTION phase4_metrics_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
CREATE TRIGGER phase4_metrics_touch BEFORE UPDATE ON phase4_metrics
    FOR EACH ROW EXECUTE FUNCTION phase4_metrics_touch();

-- The refresh finds changed runs by updated_at; a day's runs and a window's raw percentiles by created_at (a run
-- belongs to the day Selfheal first saw it, which a later attempt does not move).
CREATE INDEX phase4_metrics_updated_idx ON phase4_metrics (updated_at);
CREATE INDEX phase4_metrics_created_idx ON phase4_metrics (created_at) INCLUDE (duration_seconds);
CREATE INDEX phase4_retry_history_created_idx ON phase4_retry_history (created_at);
CREATE INDEX phase4_notifications_attempted_idx ON phase4_notifications (attempted_at);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['phase4_kpi_daily', 'phase4_kpi_rollup_state']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('GRANT SELECT ON %I TO selfheal_reader', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO selfheal_writer', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO selfheal_reader USING (true)', t || '_read', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO selfheal_writer USING (true) WITH CHECK (true)',
                       t || '_write', t);
    END LOOP;
END
$$;
