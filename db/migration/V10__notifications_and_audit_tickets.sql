-- Notification layer and audit generator (issue 4): their outbox consumers, the record of every notification
-- attempt, and the audit tickets written (one per event, so a repeated delivery does not write a second ticket).
INSERT INTO phase4_event_consumers (consumer, event_types) VALUES
    ('notification', ARRAY['final_failure', 'recovered', 'guard_violation', 'dead_letter', 'detection',
                           'evidence_missing', 'killswitch', 'rollback', 'daily_summary']),
    ('audit',        ARRAY['final_failure', 'dead_letter', 'guard_violation', 'killswitch', 'rollback'])
ON CONFLICT (consumer) DO NOTHING;

-- One row per attempt on one channel (slack, github_issue, github_comment, log) and its outcome. A row is never
-- updated: the table is the notification history auditors read.
CREATE TABLE phase4_notifications (
    id            bigserial   PRIMARY KEY,
    event_id      bigint      REFERENCES phase4_events (id) ON DELETE SET NULL,
    event_type    text        NOT NULL,
    repository    text,
    channel       text        NOT NULL,
    outcome       text        NOT NULL,
    http_status   integer,
    detail        text,
    link          text,
    retry_at      timestamptz,
    attempted_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT phase4_notifications_channel_check CHECK (channel IN ('slack', 'github_issue', 'github_comment', 'log')),
    CONSTRAINT phase4_notifications_outcome_check CHECK (outcome IN ('sent', 'failed', 'rate_limited', 'dead_webhook',
                                                                     'skipped', 'queued'))
);

CREATE INDEX phase4_notifications_event_idx ON phase4_notifications (event_id, channel, outcome);

CREATE TABLE phase4_audit_tickets (
    event_id     bigint      PRIMARY KEY REFERENCES phase4_events (id) ON DELETE CASCADE,
    -- unique within its day folder by construction; not a key (a data dir can be moved or restored)
    ticket_id    text        NOT NULL,
    json_path    text        NOT NULL,
    md_path      text        NOT NULL,
    risk_level   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT phase4_audit_tickets_risk_check CHECK (risk_level IN ('critical', 'high', 'medium', 'low'))
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['phase4_notifications', 'phase4_audit_tickets']
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

GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO selfheal_writer;
