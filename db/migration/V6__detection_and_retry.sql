-- Core loop (detection, retry, recovery).

-- camel-sql's JdbcMessageIdRepository: webhook deliveries (X-GitHub-Delivery) and (run_id, run_attempt) seen
-- by webhook, poll or inbox, so each is handled once. Created here, not by Camel at start-up.
CREATE TABLE camel_messageprocessed (
    processorname  varchar(255) NOT NULL,
    messageid      varchar(255) NOT NULL,
    createdat      timestamp    NOT NULL,
    PRIMARY KEY (processorname, messageid)
);

-- Poll watermark per repository: the newest run update already handed on.
CREATE TABLE phase4_poll_watermarks (
    repository   text PRIMARY KEY,
    updated_at   timestamptz NOT NULL,
    polled_at    timestamptz NOT NULL DEFAULT now()
);

-- The retry engine consumes completed runs from the outbox.
INSERT INTO phase4_event_consumers (consumer, event_types) VALUES ('retry', ARRAY['run_completed']);

-- What classification found, kept on the run's row.
ALTER TABLE phase4_metrics ADD COLUMN failure_rule text, ADD COLUMN failure_line text;

-- CI guard look-ups: re-runs requested in the last hour.
CREATE INDEX phase4_retry_history_requested_idx ON phase4_retry_history (requested_at) WHERE requested_at IS NOT NULL;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['camel_messageprocessed', 'phase4_poll_watermarks']
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
