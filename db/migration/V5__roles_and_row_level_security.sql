-- Seed: every table has RLS policies. selfheal_reader (dashboards, auditors, a Supabase anon-like key) may read
-- and never write; selfheal_writer is what a least-privilege service login is granted. The table owner (the
-- service's own login by default) bypasses RLS as usual. Roles are cluster-wide: create them only once.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'selfheal_reader') THEN
        CREATE ROLE selfheal_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'selfheal_writer') THEN
        CREATE ROLE selfheal_writer NOLOGIN;
    END IF;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['phase4_metrics', 'phase4_retry_history', 'phase4_killswitch_log', 'phase4_events',
                             'phase4_event_consumers', 'phase4_event_deliveries']
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

GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO selfheal_writer;
