-- GitHub issue writes announced before they are made, so that several instances (or one restarted mid-call) do
-- not write twice: 'create:<issue key>' while an issue is being opened (a concurrent failure of the same problem
-- waits, then finds the issue in GitHub's list and comments), 'comment:<event id>:<issue number>' for a comment.
-- An intent that is not done after its lease belongs to an instance that died: the next one looks for the
-- event's marker on GitHub before writing.
CREATE TABLE phase4_issue_intents (
    intent_key    text        PRIMARY KEY,
    event_id      bigint,
    claimed_at    timestamptz NOT NULL DEFAULT now(),
    done_at       timestamptz,
    issue_number  integer,
    link          text
);

ALTER TABLE phase4_issue_intents ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON phase4_issue_intents TO selfheal_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON phase4_issue_intents TO selfheal_writer;
CREATE POLICY phase4_issue_intents_read ON phase4_issue_intents FOR SELECT TO selfheal_reader USING (true);
CREATE POLICY phase4_issue_intents_write ON phase4_issue_intents FOR ALL TO selfheal_writer
    USING (true) WITH CHECK (true);
