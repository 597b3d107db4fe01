-- Queue time of a run's first attempt: GitHub's created_at to run_started_at, in seconds (KPI duration_percentiles).
ALTER TABLE phase4_metrics ADD COLUMN queued_seconds integer;
