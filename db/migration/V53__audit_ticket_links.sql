-- The Slack and GitHub-issue links of an audit ticket, kept in the database too: with several instances the
-- ticket's file may be on another instance's disk (when the data dir is not a shared volume); the links are not
-- lost, and the file gets them where it lives.
ALTER TABLE phase4_audit_tickets
    ADD COLUMN slack_link  text,
    ADD COLUMN issue_link  text;
