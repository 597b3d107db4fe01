-- A re-run records which attempt of the run failed and scheduled it. GitHub re-runs a run's latest attempt, so when
-- a person re-runs the run while ours waits for its back-off, our re-run number and GitHub's attempt number part
-- ways; the attempt itself says exactly whether an attempt was re-run already. A waiting re-run that a later
-- attempt's failure makes pointless (a failure no re-run fixes) ends 'superseded' instead of going out.
ALTER TABLE phase4_retry_history ADD COLUMN for_attempt integer;
COMMENT ON COLUMN phase4_retry_history.for_attempt IS
    'The run attempt whose failure scheduled this re-run; NULL on rows written before the column (then: attempt).';

ALTER TABLE phase4_retry_history DROP CONSTRAINT phase4_retry_history_status_check;
ALTER TABLE phase4_retry_history ADD CONSTRAINT phase4_retry_history_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'succeeded', 'failed', 'blocked', 'dead_letter', 'withheld',
                      'superseded'));
