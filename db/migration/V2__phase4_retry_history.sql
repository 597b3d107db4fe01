-- Seed: supabase/migrations/20251114_phase4_retry_history.sql. The retry audit items: retry run id, original
-- run id, attempt, reason, result, interval, time. A pending retry is a row with its due time (no sleeping
-- thread holds it), picked up exactly once even across restarts.
CREATE TABLE phase4_retry_history (
    id                bigserial PRIMARY KEY,
    original_run_id   bigint      NOT NULL,
    retry_run_id      bigint,
    repository        text        NOT NULL,
    attempt           integer     NOT NULL,
    category          text        NOT NULL,
    reason            text,
    interval_seconds  numeric(10, 3) NOT NULL,
    due_at            timestamptz NOT NULL,
    requested_at      timestamptz,
    completed_at      timestamptz,
    status            text        NOT NULL DEFAULT 'pending',
    result            text,
    http_status       integer,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT phase4_retry_history_attempt_key UNIQUE (original_run_id, attempt),
    CONSTRAINT phase4_retry_history_attempt_check CHECK (attempt >= 1),
    CONSTRAINT phase4_retry_history_status_check
        CHECK (status IN ('pending', 'sending', 'sent', 'succeeded', 'failed', 'blocked', 'dead_letter'))
);

CREATE INDEX phase4_retry_history_due_idx ON phase4_retry_history (due_at) WHERE status = 'pending';
CREATE INDEX phase4_retry_history_repository_idx ON phase4_retry_history (repository, created_at DESC);

COMMENT ON TABLE phase4_retry_history IS 'Every automatic re-run: scheduled (due_at), sent, and its outcome.';
