-- The kill switch engine writes phase4_killswitch_log: one row per engagement (action 'stop'), closed by its
-- release (released_at/by/reason). An open row is the engaged state a restart comes back to. What the engage
-- stopped (routes, paused Quartz triggers, cancelled re-runs) is kept so the release restores exactly that.
ALTER TABLE phase4_killswitch_log
    ADD COLUMN trigger         text,
    ADD COLUMN stopped         jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN released_by     text,
    ADD COLUMN release_reason  text,
    ADD COLUMN verified_at     timestamptz,
    ADD COLUMN verification    text;

ALTER TABLE phase4_killswitch_log ADD CONSTRAINT phase4_killswitch_log_trigger_check
    CHECK (trigger IS NULL OR trigger IN ('mbean', 'api', 'file', 'rule', 'detection'));

-- at most one open engagement: a second engage while engaged changes nothing
CREATE UNIQUE INDEX phase4_killswitch_log_one_engaged_idx ON phase4_killswitch_log ((true))
    WHERE action = 'stop' AND released_at IS NULL;

-- GitHub writes the gate in route github-call did not send (kill switch engaged, or observe mode): what would
-- have been sent, so an operator can read what Selfheal would have done.
CREATE TABLE phase4_withheld_writes (
    id           bigserial   PRIMARY KEY,
    withheld_at  timestamptz NOT NULL DEFAULT now(),
    withheld_by  text        NOT NULL,
    method       text        NOT NULL,
    path         text        NOT NULL,
    decision     text        NOT NULL,
    route        text,
    repository   text,
    run_id       bigint,
    CONSTRAINT phase4_withheld_writes_by_check CHECK (withheld_by IN ('killswitch', 'observe'))
);

CREATE INDEX phase4_withheld_writes_time_idx ON phase4_withheld_writes (withheld_at DESC);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['phase4_withheld_writes']
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
