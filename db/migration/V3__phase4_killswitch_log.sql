-- Seed: supabase/migrations/20251114_phase4_killswitch_log.sql. KillSwitch audit items: time, actor, reason,
-- target, log, notification result.
CREATE TABLE phase4_killswitch_log (
    id                   bigserial PRIMARY KEY,
    triggered_at         timestamptz NOT NULL DEFAULT now(),
    actor                text        NOT NULL,
    reason               text        NOT NULL,
    condition_id         text,
    target               text        NOT NULL,
    action               text        NOT NULL,
    released_at          timestamptz,
    notification_result  text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT phase4_killswitch_log_action_check CHECK (action IN ('stop', 'suspend', 'resume', 'release'))
);

CREATE INDEX phase4_killswitch_log_triggered_idx ON phase4_killswitch_log (triggered_at DESC);
CREATE INDEX phase4_killswitch_log_target_idx ON phase4_killswitch_log (target);
