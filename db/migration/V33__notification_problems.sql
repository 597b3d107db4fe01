-- Notify on change, not on repetition. A problem is what an event is about, by its key (a dead
-- letter's method + path without ids + status + category, a run's repository + id, a detection's rule + file/type);
-- it is notified once, again when its state changes or its cool-down (selfheal.notification.repeat-cooldown) is
-- over. The decision is taken once per event, by whichever consumer (notification or audit) sees the event first,
-- and kept, so both consumers and a redelivery of the event agree.
CREATE TABLE phase4_notification_problems (
    problem_key    text        PRIMARY KEY,
    state          text        NOT NULL,
    first_seen     timestamptz NOT NULL DEFAULT now(),
    last_seen      timestamptz NOT NULL DEFAULT now(),
    occurrences    bigint      NOT NULL DEFAULT 0,
    suppressed     bigint      NOT NULL DEFAULT 0,
    last_notified  timestamptz,
    last_event_id  bigint
);

-- One row per event that has a problem key: notified or suppressed (the repeat digest of the daily summary).
CREATE TABLE phase4_notification_decisions (
    event_id     bigint      PRIMARY KEY REFERENCES phase4_events (id) ON DELETE CASCADE,
    problem_key  text        NOT NULL,
    state        text        NOT NULL,
    suppressed   boolean     NOT NULL,
    decided_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX phase4_notification_decisions_digest_idx ON phase4_notification_decisions (decided_at)
    WHERE suppressed;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['phase4_notification_problems', 'phase4_notification_decisions']
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
