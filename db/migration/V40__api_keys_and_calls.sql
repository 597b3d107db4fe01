-- REST API v1 (public port, /api/v1): who may call it and what was called.
-- api_keys: a key is shown once when created and kept only as its bcrypt encoding ({bcrypt}...); key_id is the
-- public part of the key (shk_<key_id>_<secret>) used to find the row. Roles as for management logins: viewer
-- (read), operator (also reprocess), admin (also keys). The reader role must not see the hashes.
CREATE TABLE api_keys (
    key_id        text PRIMARY KEY CHECK (key_id ~ '^[a-z0-9]{12}$'),
    name          text NOT NULL CHECK (name ~ '^[A-Za-z0-9_.@-]{1,64}$'),
    key_hash      text NOT NULL,
    role          text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);

-- One row per authenticated API call (an unauthenticated caller writes nothing): which key, which route (the
-- route's template, never the caller's path), the answer's status and how long it took.
CREATE TABLE api_calls (
    id         bigserial PRIMARY KEY,
    key_id     text NOT NULL,
    method     text NOT NULL,
    route      text NOT NULL,
    status     integer NOT NULL,
    millis     integer NOT NULL,
    client_ip  text,
    called_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_calls_called_at_idx ON api_calls (called_at);

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON api_keys TO selfheal_writer;
CREATE POLICY api_keys_write ON api_keys FOR ALL TO selfheal_writer USING (true) WITH CHECK (true);

ALTER TABLE api_calls ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON api_calls TO selfheal_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON api_calls TO selfheal_writer;
GRANT USAGE ON SEQUENCE api_calls_id_seq TO selfheal_writer;
CREATE POLICY api_calls_read ON api_calls FOR SELECT TO selfheal_reader USING (true);
CREATE POLICY api_calls_write ON api_calls FOR ALL TO selfheal_writer USING (true) WITH CHECK (true);
