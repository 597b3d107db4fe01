-- Transactional outbox (ARCHITECTURE.md): every state change is an event row written in the same transaction
-- as the state it describes. Each consumer (notification, audit, evidence, kpi) has its own delivery row, read
-- with SELECT ... FOR UPDATE SKIP LOCKED, so a restart or a second instance loses and duplicates nothing, and a
-- consumer that fails keeps its row (with a due time) to retry.
CREATE TABLE phase4_events (
    id           bigserial PRIMARY KEY,
    event_type   text        NOT NULL,
    repository   text,
    run_id       bigint,
    run_attempt  integer,
    payload      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    occurred_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX phase4_events_type_time_idx ON phase4_events (event_type, occurred_at DESC);
CREATE INDEX phase4_events_run_idx ON phase4_events (run_id);

-- Which consumer takes which event types ('*' = all). Rows, not code: a new consumer is an INSERT.
CREATE TABLE phase4_event_consumers (
    consumer     text PRIMARY KEY,
    event_types  text[] NOT NULL
);

CREATE TABLE phase4_event_deliveries (
    event_id     bigint      NOT NULL REFERENCES phase4_events (id) ON DELETE CASCADE,
    consumer     text        NOT NULL REFERENCES phase4_event_consumers (consumer),
    status       text        NOT NULL DEFAULT 'pending',
    attempts     integer     NOT NULL DEFAULT 0,
    due_at       timestamptz NOT NULL DEFAULT now(),
    last_error   text,
    done_at      timestamptz,
    PRIMARY KEY (event_id, consumer),
    CONSTRAINT phase4_event_deliveries_status_check CHECK (status IN ('pending', 'done', 'failed'))
);

CREATE INDEX phase4_event_deliveries_due_idx ON phase4_event_deliveries (consumer, due_at) WHERE status = 'pending';

-- Fan out in the same transaction as the event insert.
CREATE FUNCTION phase4_events_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO phase4_event_deliveries (event_id, consumer)
    SELECT NEW.id, c.consumer FROM phase4_event_consumers c
    WHERE '*' = ANY (c.event_types) OR NEW.event_type = ANY (c.event_types);
    RETURN NEW;
END;
$$;

CREATE TRIGGER phase4_events_fan_out AFTER INSERT ON phase4_events
    FOR EACH ROW EXECUTE FUNCTION phase4_events_fan_out();
