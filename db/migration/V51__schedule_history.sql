-- One row per fire of a Quartz schedule (selfheal.schedules): when it was due, when it fired and finished, and how
-- it ended (ok, failed with the error). The last row per schedule is what the README's "schedules" query shows.
CREATE TABLE phase4_schedule_history (
    id             bigserial   PRIMARY KEY,
    schedule       text        NOT NULL,
    scheduled_for  timestamptz,
    fired_at       timestamptz NOT NULL,
    finished_at    timestamptz NOT NULL DEFAULT now(),
    outcome        text        NOT NULL,
    detail         text,
    CONSTRAINT phase4_schedule_history_outcome_check CHECK (outcome IN ('ok', 'failed'))
);

CREATE INDEX phase4_schedule_history_last_idx ON phase4_schedule_history (schedule, fired_at DESC);

ALTER TABLE phase4_schedule_history ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON phase4_schedule_history TO selfheal_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON phase4_schedule_history TO selfheal_writer;
GRANT USAGE ON SEQUENCE phase4_schedule_history_id_seq TO selfheal_writer;
CREATE POLICY phase4_schedule_history_read ON phase4_schedule_history FOR SELECT TO selfheal_reader USING (true);
CREATE POLICY phase4_schedule_history_write ON phase4_schedule_history FOR ALL TO selfheal_writer
    USING (true) WITH CHECK (true);
