-- GitHub's API budget over time: per identity (the token, or a GitHub App installation), rate-limit resource
-- (core, search, graphql, ...) and GitHub's hour window (its X-RateLimit-Reset), what Selfheal asked and what
-- GitHub said was left. Several instances with the same identity add to the same row.
CREATE TABLE phase4_github_budget (
    identity       text        NOT NULL,
    resource       text        NOT NULL,
    window_reset   timestamptz NOT NULL,
    rate_limit     integer,
    min_remaining  integer,
    requests       bigint      NOT NULL DEFAULT 0,
    not_modified   bigint      NOT NULL DEFAULT 0,
    rate_limited   bigint      NOT NULL DEFAULT 0,
    first_seen_at  timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL,
    PRIMARY KEY (identity, resource, window_reset)
);

CREATE INDEX phase4_github_budget_seen_idx ON phase4_github_budget (first_seen_at);

ALTER TABLE phase4_github_budget ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON phase4_github_budget TO selfheal_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON phase4_github_budget TO selfheal_writer;
CREATE POLICY phase4_github_budget_read ON phase4_github_budget FOR SELECT TO selfheal_reader USING (true);
CREATE POLICY phase4_github_budget_write ON phase4_github_budget FOR ALL TO selfheal_writer
    USING (true) WITH CHECK (true);
