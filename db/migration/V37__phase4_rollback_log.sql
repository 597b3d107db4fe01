-- Rollback engine history: one row per rollback, dry run or act. The steps column keeps every step of the
-- protocol's order with the exact GitHub call it made (or would make in a dry run) and its outcome, so a step that
-- GitHub refused (dead letter) is on the same row as the steps after it.
CREATE TABLE phase4_rollback_log (
    id                 bigserial   PRIMARY KEY,
    requested_at       timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz,
    repository         text        NOT NULL,
    workflow           text        NOT NULL,
    workflow_id        bigint,
    workflow_path      text,
    mode               text        NOT NULL,
    trigger            text        NOT NULL,
    actor              text        NOT NULL,
    reason             text        NOT NULL,
    healthy_run_id     bigint,
    healthy_sha        text,
    snapshot_id        text,
    verified           boolean,
    outcome            text        NOT NULL,
    steps              jsonb       NOT NULL,
    report_file        text,
    event_id           bigint,
    CONSTRAINT phase4_rollback_log_mode_check CHECK (mode IN ('dry-run', 'act')),
    CONSTRAINT phase4_rollback_log_trigger_check CHECK (trigger IN ('consecutive_failures', 'critical_detection',
        'mbean', 'inbox', 'api')),
    CONSTRAINT phase4_rollback_log_outcome_check CHECK (outcome IN ('planned', 'rolled_back', 'partial', 'failed'))
);

CREATE INDEX phase4_rollback_log_target_idx ON phase4_rollback_log (repository, workflow, requested_at DESC);

-- The rollback consumer takes detections: action "rollback" (consecutive final failures) or a critical one.
INSERT INTO phase4_event_consumers (consumer, event_types)
VALUES ('rollback', ARRAY['detection'])
ON CONFLICT (consumer) DO UPDATE SET event_types = EXCLUDED.event_types;

DO $$
BEGIN
    ALTER TABLE phase4_rollback_log ENABLE ROW LEVEL SECURITY;
    GRANT SELECT ON phase4_rollback_log TO selfheal_reader;
    GRANT SELECT, INSERT, UPDATE, DELETE ON phase4_rollback_log TO selfheal_writer;
    CREATE POLICY phase4_rollback_log_read ON phase4_rollback_log FOR SELECT TO selfheal_reader USING (true);
    CREATE POLICY phase4_rollback_log_write ON phase4_rollback_log FOR ALL TO selfheal_writer USING (true)
        WITH CHECK (true);
END
$$;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO selfheal_writer;
