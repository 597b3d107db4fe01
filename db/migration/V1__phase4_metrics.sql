-- Seed: supabase/migrations/20251114_phase4_metrics.sql. One row per workflow run (run_id unique), upserted
-- with INSERT ... ON CONFLICT (run_id) DO UPDATE by the Metrics Upserter.
CREATE TABLE phase4_metrics (
    id                bigserial PRIMARY KEY,
    run_id            bigint      NOT NULL,
    repository        text        NOT NULL,
    workflow_id       bigint,
    workflow_name     text,
    run_number        integer,
    run_attempt       integer     NOT NULL DEFAULT 1,
    event             text,
    actor             text,
    head_branch       text,
    head_sha          text,
    html_url          text,
    status            text,
    conclusion        text,
    run_started_at    timestamptz,
    completed_at      timestamptz,
    duration_seconds  integer,
    failure_category  text,
    risk_level        text,
    retry_count       integer     NOT NULL DEFAULT 0,
    recovered         boolean     NOT NULL DEFAULT false,
    recovered_at      timestamptz,
    final_failure     boolean     NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT phase4_metrics_run_id_key UNIQUE (run_id),
    CONSTRAINT phase4_metrics_retry_count_check CHECK (retry_count >= 0)
);

CREATE INDEX phase4_metrics_repository_completed_idx ON phase4_metrics (repository, completed_at DESC);
CREATE INDEX phase4_metrics_workflow_completed_idx ON phase4_metrics (repository, workflow_id, completed_at DESC);
CREATE INDEX phase4_metrics_conclusion_idx ON phase4_metrics (conclusion);

COMMENT ON TABLE phase4_metrics IS 'One row per GitHub Actions workflow run (KPI and audit source).';
