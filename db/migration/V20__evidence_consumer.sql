-- The evidence collector reads run events from the outbox (consumer 'evidence'): a run that completed, was
-- re-run, recovered or failed for good gets its metadata, artifacts and logs collected into the day's folder.
INSERT INTO phase4_event_consumers (consumer, event_types)
VALUES ('evidence', ARRAY['run_completed', 'retry_sent', 'recovered', 'final_failure'])
ON CONFLICT (consumer) DO UPDATE SET event_types = EXCLUDED.event_types;
