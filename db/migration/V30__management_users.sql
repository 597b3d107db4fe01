-- Who may log in to the management plane (actuator, Hawtio, Jolokia on the management port). Passwords are
-- stored as Spring Security encodings ({bcrypt}...), never in clear. Roles: viewer (read), operator (also stop
-- and start routes), admin (also manage users). The reader role must not see password hashes.
CREATE TABLE management_users (
    username      text PRIMARY KEY CHECK (username ~ '^[A-Za-z0-9_.@-]{1,64}$'),
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    enabled       boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE management_users ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON management_users TO selfheal_writer;
CREATE POLICY management_users_write ON management_users FOR ALL TO selfheal_writer USING (true) WITH CHECK (true);
