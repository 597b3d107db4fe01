-- Which evidence decided a failure's category: "annotation, rule runner-lost", "step, rule no-user-step-ran",
-- "log line, rule tests-failed" (the check run's annotations are read first, then the job's steps, then its log).
ALTER TABLE phase4_retry_history ADD COLUMN evidence text;
ALTER TABLE phase4_metrics ADD COLUMN failure_evidence text;

COMMENT ON COLUMN phase4_retry_history.evidence IS 'What decided the category: annotation / step / log line, and the rule id.';
COMMENT ON COLUMN phase4_metrics.failure_evidence IS 'What decided failure_category: annotation / step / log line, and the rule id.';
