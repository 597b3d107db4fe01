-- With a Slack bot token, a problem's first message is the root of a thread: its follow-ups (repeats after the
-- cool-down, recovered, closed) are replies to it. The incoming webhook cannot thread, so these stay null there.
ALTER TABLE phase4_notification_problems
    ADD COLUMN slack_channel   text,
    ADD COLUMN slack_thread_ts text;
