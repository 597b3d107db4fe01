-- Observe mode: every change of selfheal.mode (observe | act), at start-up from the configuration or at runtime
-- through the MBean/API, recorded like a kill switch change. A re-run observe mode held back ends 'withheld'
-- ("would re-run"), so the retry log reads what Selfheal would have done.
CREATE TABLE phase4_mode_log (
    id             bigserial   PRIMARY KEY,
    changed_at     timestamptz NOT NULL DEFAULT now(),
    mode           text        NOT NULL,
    previous_mode  text,
    source         text        NOT NULL,
    actor          text        NOT NULL,
    reason         text        NOT NULL,
    CONSTRAINT phase4_mode_log_mode_check CHECK (mode IN ('observe', 'act')),
    CONSTRAINT phase4_mode_log_source_check CHECK (source IN ('config', 'mbean', 'api'))
);

ALTER TABLE phase4_retry_history DROP CONSTRAINT phase4_retry_history_status_check;
ALTER TABLE phase4_retry_history ADD CONSTRAINT phase4_retry_history_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'succeeded', 'failed', 'blocked', 'dead_letter', 'withheld'));

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['phase4_mode_log']
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

GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO selfheal_writer;
