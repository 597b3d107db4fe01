-- The metrics upserter's history: one row per upsert of a run's phase4_metrics row (inserted, updated, or kept
-- because it already held a later attempt), and whether the row read back afterwards holds what was written.
CREATE TABLE phase4_metrics_upserts (
    id           bigserial   PRIMARY KEY,
    run_id       bigint      NOT NULL,
    run_attempt  integer     NOT NULL,
    action       text        NOT NULL,
    verified     boolean     NOT NULL,
    detail       text,
    upserted_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT phase4_metrics_upserts_action_check CHECK (action IN ('inserted', 'updated', 'kept_later_attempt'))
);

CREATE INDEX phase4_metrics_upserts_run_idx ON phase4_metrics_upserts (run_id, upserted_at);

ALTER TABLE phase4_metrics_upserts ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON phase4_metrics_upserts TO selfheal_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON phase4_metrics_upserts TO selfheal_writer;
GRANT USAGE ON SEQUENCE phase4_metrics_upserts_id_seq TO selfheal_writer;
CREATE POLICY phase4_metrics_upserts_read ON phase4_metrics_upserts FOR SELECT TO selfheal_reader USING (true);
CREATE POLICY phase4_metrics_upserts_write ON phase4_metrics_upserts FOR ALL TO selfheal_writer
    USING (true) WITH CHECK (true);
