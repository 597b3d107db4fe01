-- The KPI definitions: every number the dashboard, Prometheus, the governance documents and the API show comes
-- from one of these named queries (KpiQueries loads this file; docs/ops/OPS_HEALTH_KPI.md quotes each block).
-- A block starts with "-- name: <name>"; the "-- " lines right after it say what it measures.
-- Parameters: :from / :to are the window's instants (JST day boundaries, end exclusive), :fromDay / :toDay the
-- same window as JST dates, :repository an optional filter (null = every repository).
-- A run belongs to the JST day Selfheal first saw it completed (phase4_metrics.created_at): a later attempt
-- does not move it to another day.

-- name: rollup_day
-- Recomputes one JST day of phase4_kpi_daily from phase4_metrics (the caller deletes the day's rows first, in
-- the same transaction). Per repository, workflow and failure category:
-- runs; first_attempt_success = succeeded at attempt 1; final_success = last known conclusion success;
-- failed_runs = every run that did not succeed at its first attempt; rerun_runs = runs Selfheal re-ran
-- (retry_count > 0); healed_runs = re-run by Selfheal and then verified recovered; healed_within_24h = healed
-- and verified within 24 h of first sight; flaky_runs = success at run_attempt > 1; final_failures = given up;
-- reruns = Selfheal's re-runs (sum of retry_count); duration and recovery time as sums and counts.
INSERT INTO phase4_kpi_daily (day, repository, workflow_name, failure_category, runs, first_attempt_success,
                              final_success, failed_runs, rerun_runs, healed_runs, healed_within_24h, flaky_runs,
                              final_failures, reruns, duration_seconds_sum, duration_count, recovery_seconds_sum)
SELECT CAST(:fromDay AS date), m.repository, coalesce(m.workflow_name, ''), coalesce(m.failure_category, ''),
       count(*),
       count(*) FILTER (WHERE m.run_attempt = 1 AND m.conclusion = 'success'),
       count(*) FILTER (WHERE m.conclusion = 'success'),
       count(*) FILTER (WHERE NOT (m.run_attempt = 1 AND m.conclusion = 'success')),
       count(*) FILTER (WHERE m.retry_count > 0),
       count(*) FILTER (WHERE m.retry_count > 0 AND m.recovered),
       count(*) FILTER (WHERE m.retry_count > 0 AND m.recovered
                          AND m.recovered_at <= m.created_at + interval '24 hours'),
       count(*) FILTER (WHERE m.run_attempt > 1 AND m.conclusion = 'success'),
       count(*) FILTER (WHERE m.final_failure),
       coalesce(sum(m.retry_count), 0),
       coalesce(sum(m.duration_seconds), 0),
       count(m.duration_seconds),
       coalesce(sum(floor(extract(epoch FROM m.recovered_at - m.created_at)))
                    FILTER (WHERE m.retry_count > 0 AND m.recovered AND m.recovered_at IS NOT NULL), 0)
  FROM phase4_metrics m
 WHERE m.created_at >= :from AND m.created_at < :to
 GROUP BY m.repository, coalesce(m.workflow_name, ''), coalesce(m.failure_category, '');

-- name: changed_days
-- The JST days holding a run that changed after :since (the incremental refresh recomputes only these).
SELECT DISTINCT CAST(m.created_at AT TIME ZONE 'Asia/Tokyo' AS date) AS day
  FROM phase4_metrics m
 WHERE m.updated_at > :since
 ORDER BY day;

-- name: window_summary
-- The window's KPIs overall (level 'all'), per repository ('repository') and per workflow ('workflow'), from
-- the rollup. Rates are shares of runs; healed rate, average re-runs and self-healed-within-24h are shares of
-- failed runs (runs that did not succeed at their first attempt); MTTR is the mean time from Selfheal's first
-- sight of a healed run to its verified recovery; unknown share is unknown failures among categorised ones.
SELECT CASE GROUPING(repository, workflow_name) WHEN 3 THEN 'all' WHEN 1 THEN 'repository' ELSE 'workflow' END
           AS level,
       repository, workflow_name,
       sum(runs) AS runs,
       sum(failed_runs) AS failed_runs,
       sum(healed_runs) AS healed_runs,
       sum(final_failures) AS final_failures,
       sum(reruns) AS reruns,
       round(sum(first_attempt_success)::numeric / nullif(sum(runs), 0), 4) AS first_attempt_success_rate,
       round(sum(final_success)::numeric / nullif(sum(runs), 0), 4) AS final_success_rate,
       round(sum(healed_runs)::numeric / nullif(sum(failed_runs), 0), 4) AS healed_rate,
       round(sum(reruns)::numeric / nullif(sum(failed_runs), 0), 4) AS avg_reruns_per_failed_run,
       round(sum(flaky_runs)::numeric / nullif(sum(runs), 0), 4) AS flaky_rate,
       round(coalesce(sum(runs) FILTER (WHERE failure_category = 'unknown'), 0)::numeric
             / nullif(sum(runs) FILTER (WHERE failure_category <> ''), 0), 4) AS unknown_share,
       round(sum(healed_within_24h)::numeric / nullif(sum(failed_runs), 0), 4) AS self_healed_24h_share,
       round(sum(recovery_seconds_sum)::numeric / nullif(sum(healed_runs), 0), 1) AS mttr_seconds,
       round(sum(duration_seconds_sum)::numeric / nullif(sum(duration_count), 0), 1) AS avg_duration_seconds
  FROM phase4_kpi_daily
 WHERE day >= :fromDay AND day < :toDay
   AND (CAST(:repository AS text) IS NULL OR repository = CAST(:repository AS text))
 GROUP BY GROUPING SETS ((), (repository), (repository, workflow_name))
 ORDER BY GROUPING(repository, workflow_name) DESC, repository, workflow_name;

-- name: daily_trend
-- Per JST day of the window, every repository together: runs, first-attempt and final success rate, healed
-- rate, re-runs, MTTR (same definitions as window_summary).
SELECT day,
       sum(runs) AS runs,
       sum(failed_runs) AS failed_runs,
       sum(healed_runs) AS healed_runs,
       sum(reruns) AS reruns,
       round(sum(first_attempt_success)::numeric / nullif(sum(runs), 0), 4) AS first_attempt_success_rate,
       round(sum(final_success)::numeric / nullif(sum(runs), 0), 4) AS final_success_rate,
       round(sum(healed_runs)::numeric / nullif(sum(failed_runs), 0), 4) AS healed_rate,
       round(sum(recovery_seconds_sum)::numeric / nullif(sum(healed_runs), 0), 1) AS mttr_seconds,
       round(sum(duration_seconds_sum)::numeric / nullif(sum(duration_count), 0), 1) AS avg_duration_seconds
  FROM phase4_kpi_daily
 WHERE day >= :fromDay AND day < :toDay
   AND (CAST(:repository AS text) IS NULL OR repository = CAST(:repository AS text))
 GROUP BY day
 ORDER BY day;

-- name: failures_by_category
-- Failed runs per failure category in the window, with the re-runs they got and how many healed.
SELECT failure_category AS category,
       sum(runs) AS failures,
       sum(reruns) AS reruns,
       sum(healed_runs) AS healed_runs
  FROM phase4_kpi_daily
 WHERE day >= :fromDay AND day < :toDay AND failure_category <> ''
   AND (CAST(:repository AS text) IS NULL OR repository = CAST(:repository AS text))
 GROUP BY failure_category
 ORDER BY failures DESC, category;

-- name: top_failing_workflows
-- The ten workflows with the most failed runs in the window (ties: most final failures first).
SELECT repository, workflow_name,
       sum(failed_runs) AS failed_runs,
       sum(final_failures) AS final_failures,
       sum(runs) AS runs
  FROM phase4_kpi_daily
 WHERE day >= :fromDay AND day < :toDay
   AND (CAST(:repository AS text) IS NULL OR repository = CAST(:repository AS text))
 GROUP BY repository, workflow_name
HAVING sum(failed_runs) > 0
 ORDER BY failed_runs DESC, final_failures DESC, repository, workflow_name
 LIMIT 10;

-- name: duration_percentiles
-- Processing time: p50 and p95 of the runs' durations (GitHub's run_started_at to completion) and of their
-- queue times (GitHub's created_at to run_started_at, first attempts) in the window, from the runs themselves
-- (percentiles do not add up across days, so they are not in the rollup).
SELECT count(m.duration_seconds) AS runs_with_duration,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY m.duration_seconds) AS duration_p50_seconds,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY m.duration_seconds) AS duration_p95_seconds,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY m.queued_seconds) AS queue_p50_seconds,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY m.queued_seconds) AS queue_p95_seconds
  FROM phase4_metrics m
 WHERE m.created_at >= :from AND m.created_at < :to
   AND (CAST(:repository AS text) IS NULL OR m.repository = CAST(:repository AS text));

-- name: retry_efficacy
-- Share of Selfheal's re-runs (sent to GitHub in the window) that healed their run: succeeded / sent, overall
-- ('all'), per category ('category') and per workflow ('workflow'). Blocked and dead-lettered re-runs were never
-- sent and do not count; re-runs still waiting for their outcome count as sent, not healed.
SELECT CASE WHEN GROUPING(h.category) = 0 THEN 'category'
            WHEN GROUPING(h.repository) = 0 THEN 'workflow' ELSE 'all' END AS level,
       h.category, h.repository, m.workflow_name,
       count(*) AS reruns_sent,
       count(*) FILTER (WHERE h.status = 'succeeded') AS reruns_healed,
       round(count(*) FILTER (WHERE h.status = 'succeeded')::numeric / nullif(count(*), 0), 4) AS retry_efficacy
  FROM phase4_retry_history h
  LEFT JOIN phase4_metrics m ON m.run_id = h.original_run_id
 WHERE h.requested_at >= :from AND h.requested_at < :to
   AND h.status IN ('sent', 'succeeded', 'failed')
   AND (CAST(:repository AS text) IS NULL OR h.repository = CAST(:repository AS text))
 GROUP BY GROUPING SETS ((), (h.category), (h.repository, m.workflow_name))
 ORDER BY level, retry_efficacy, h.category, h.repository, m.workflow_name;

-- name: guard_blocks
-- Re-runs the CI guard blocked in the window (phase4_retry_history status 'blocked', by the time they were due).
SELECT count(*) AS guard_blocks
  FROM phase4_retry_history h
 WHERE h.status = 'blocked' AND h.due_at >= :from AND h.due_at < :to
   AND (CAST(:repository AS text) IS NULL OR h.repository = CAST(:repository AS text));

-- name: observe_would_have
-- What observe mode held back in the window (phase4_withheld_writes, withheld_by 'observe'), per decision (would
-- re-run, would roll back, would open an issue, ...): the writes, the runs they were for, and of those runs how
-- many succeeded later anyway (a person re-ran them): a week in observe mode read as what Selfheal would have
-- done.
SELECT w.decision,
       count(*) AS writes,
       count(DISTINCT w.run_id) AS runs,
       count(DISTINCT w.run_id) FILTER (WHERE m.conclusion = 'success') AS later_succeeded
  FROM phase4_withheld_writes w
  LEFT JOIN phase4_metrics m ON m.run_id = w.run_id
 WHERE w.withheld_by = 'observe' AND w.withheld_at >= :from AND w.withheld_at < :to
   AND (CAST(:repository AS text) IS NULL OR w.repository = CAST(:repository AS text))
 GROUP BY w.decision
 ORDER BY writes DESC, w.decision;

-- name: github_budget
-- GitHub's API budget in the window (phase4_github_budget, by when the answers came), per identity (the token, the
-- App, or an App installation) and rate-limit resource: Selfheal's requests, how many GitHub answered 304 (a
-- conditional request: free), how many were rate-limited, and the busiest hour: the most of one hour window's limit
-- used (the limit minus the lowest remaining GitHub reported in it; other tools with the same identity count too),
-- also as a share of the limit.
SELECT identity, resource,
       sum(requests) AS requests,
       sum(not_modified) AS not_modified,
       sum(rate_limited) AS rate_limited,
       max(rate_limit - min_remaining) AS peak_hour_used,
       round(max((rate_limit - min_remaining)::numeric / nullif(rate_limit, 0)), 4) AS peak_hour_used_share
  FROM phase4_github_budget
 WHERE first_seen_at >= :from AND first_seen_at < :to
 GROUP BY identity, resource
 ORDER BY identity, resource;

-- name: killswitch_time
-- Seconds each kill-switch target (a route) spent stopped or suspended within the window, from
-- phase4_killswitch_log: a stop/suspend lasts until its released_at, else until the target's next logged action
-- (resume, release or another stop), else until now or the window's end, whichever is first.
WITH actions AS (
    SELECT target, action, triggered_at, released_at,
           lead(triggered_at) OVER (PARTITION BY target ORDER BY triggered_at, id) AS next_at
      FROM phase4_killswitch_log
     WHERE triggered_at < :to
), stopped AS (
    SELECT target, triggered_at AS began,
           least(coalesce(released_at, 'infinity'), coalesce(next_at, 'infinity'), CAST(:to AS timestamptz),
                 now()) AS ended
      FROM actions
     WHERE action IN ('stop', 'suspend')
)
SELECT target,
       count(*) AS stops,
       sum(floor(extract(epoch FROM least(ended, CAST(:to AS timestamptz))
                                  - greatest(began, CAST(:from AS timestamptz))))) AS stopped_seconds
  FROM stopped
 WHERE ended > :from AND began < :to
 GROUP BY target
 ORDER BY target;

-- name: notifications_by_channel
-- Notification attempts in the window per channel (slack, github_issue, github_comment, log) and outcome.
SELECT channel, outcome, count(*) AS attempts
  FROM phase4_notifications
 WHERE attempted_at >= :from AND attempted_at < :to
   AND (CAST(:repository AS text) IS NULL OR repository = CAST(:repository AS text))
 GROUP BY channel, outcome
 ORDER BY channel, outcome;

-- name: unknown_failures
-- The window's unknown failures grouped by their normalised first error line, most frequent first (at most
-- ten), with the rule Selfheal suggests for each.
SELECT coalesce(e.payload -> 'suggestedRule' ->> 'normalised', '(no error line)') AS normalised,
       count(*) AS failures,
       count(DISTINCT e.run_id) AS runs,
       count(DISTINCT e.repository) AS repositories,
       min(e.payload -> 'suggestedRule' ->> 'pattern') AS suggested_pattern,
       min(e.payload -> 'suggestedRule' ->> 'id') AS suggested_rule_id
  FROM phase4_events e
 WHERE e.event_type = 'failure_classified' AND e.occurred_at >= :from AND e.occurred_at < :to
   AND e.payload ->> 'category' = 'unknown'
   AND (CAST(:repository AS text) IS NULL OR e.repository = CAST(:repository AS text))
 GROUP BY 1
 ORDER BY failures DESC, normalised
 LIMIT 10;

-- name: runs_in_window
-- The window's runs, newest first (at most 200), with their audit tickets: the dashboard's table of today's runs.
SELECT m.run_id, m.repository, m.workflow_name, m.run_attempt, m.conclusion, m.failure_category, m.retry_count,
       m.recovered, m.final_failure, m.html_url, m.created_at,
       (SELECT string_agg(t.md_path, ' ' ORDER BY t.created_at)
          FROM phase4_events e JOIN phase4_audit_tickets t ON t.event_id = e.id
         WHERE e.run_id = m.run_id) AS audit_tickets
  FROM phase4_metrics m
 WHERE m.created_at >= :from AND m.created_at < :to
   AND (CAST(:repository AS text) IS NULL OR m.repository = CAST(:repository AS text))
 ORDER BY m.created_at DESC, m.run_id DESC
 LIMIT 200;

-- name: killswitch_history
-- The kill-switch log, newest first (at most 50): the rollback protocol's history.
SELECT triggered_at, actor, reason, condition_id, target, action, released_at, notification_result
  FROM phase4_killswitch_log
 ORDER BY triggered_at DESC, id DESC
 LIMIT 50;

-- name: rollback_history
-- The rollback engine's rollbacks (phase4_rollback_log), newest first (at most 50): the rollback protocol's
-- record of dry runs and acts, with their trigger and outcome.
SELECT requested_at, finished_at, repository, workflow, mode, trigger, actor, reason, outcome, verified
  FROM phase4_rollback_log
 ORDER BY requested_at DESC, id DESC
 LIMIT 50;

-- name: reruns_by_category_outcome
-- Every re-run Selfheal ever scheduled, by category and status (Prometheus selfheal_reruns).
SELECT category, status AS outcome, count(*) AS reruns
  FROM phase4_retry_history
 GROUP BY category, status;

-- name: decisions_by_type
-- Every decision event ever recorded, by type (Prometheus selfheal_decisions and selfheal_healed).
SELECT event_type AS decision, count(*) AS decisions
  FROM phase4_events
 WHERE event_type IN ('retry_scheduled', 'final_failure', 'guard_violation', 'recovered', 'dead_letter')
 GROUP BY event_type;

-- name: notifications_by_outcome
-- Every notification attempt ever made, by channel and outcome (Prometheus selfheal_notifications).
SELECT channel, outcome, count(*) AS attempts
  FROM phase4_notifications
 GROUP BY channel, outcome;

-- name: outbox_backlog
-- Outbox deliveries waiting per consumer (Prometheus selfheal_outbox_backlog).
SELECT c.consumer, count(d.event_id) AS pending
  FROM phase4_event_consumers c
  LEFT JOIN phase4_event_deliveries d ON d.consumer = c.consumer AND d.status = 'pending'
 GROUP BY c.consumer;

-- name: decision_latencies
-- Since :since: webhook/poll to decision (a run_completed event to the retry_scheduled or final_failure event of
-- the same run attempt) and decision to re-run (a re-run's scheduling to its request to GitHub), in seconds
-- (Prometheus timers selfheal_webhook_to_decision and selfheal_decision_to_rerun).
SELECT 'webhook_to_decision' AS kind, d.occurred_at AS at,
       extract(epoch FROM d.occurred_at - c.occurred_at) AS seconds
  FROM phase4_events d
  JOIN LATERAL (SELECT min(x.occurred_at) AS occurred_at FROM phase4_events x
                 WHERE x.run_id = d.run_id AND x.run_attempt = d.run_attempt
                   AND x.event_type = 'run_completed') c ON c.occurred_at IS NOT NULL
 WHERE d.event_type IN ('retry_scheduled', 'final_failure') AND d.occurred_at > :since
UNION ALL
SELECT 'decision_to_rerun', h.requested_at, extract(epoch FROM h.requested_at - h.created_at)
  FROM phase4_retry_history h
 WHERE h.requested_at > :since;
