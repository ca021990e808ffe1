-- What an app connected as (a member of) its version's role must read, and nothing more.
--
-- The Hibernate integration's boot check reads the version's definition, and a Fence (fenced commits) reads the
-- journal's seq numbers of the transaction it waits for, the applier's position and the rejects. The generated
-- roles may read none of tandem.versions, tandem.journal, tandem.applier_state and tandem.rejects, and must not:
-- they hold other apps' definitions and every transaction's data. These views show the current role exactly its
-- share; the view generator grants SELECT on them to each version's role (and so to the logins that are members).
--
-- How they are safe:
-- - they run with their owner's rights (the owner of the tables, not subject to the journal's row-level security),
--   but current_user inside them is the querying role: each row is shown only if that role is a member of the role
--   registered in tandem.version_roles for the row's app (for tandem.role_versions: for the row's app and version);
-- - security_barrier: a caller's own functions in a WHERE clause run only on rows the view already let through
--   (equality on app and txid is leakproof, so those conditions still reach the journal's (app, txid) index);
-- - a view stores what its names resolve to when it is created, so the caller's search_path plays no part;
-- - the owner of tandem.journal (the applier, tandem migrate) and superusers see every row, as in the tables;
-- - a registered role that no longer exists (dropped by hand) counts as no membership rather than an error
--   (to_regrole gives null, and pg_has_role of null is null).
--
-- docs/tandem-schema.md ("What a version's role may read") explains each view; docs/views.md lists the grants.

-- tandem.role_versions: the live versions whose role the current role is a member of, with their definitions.
-- Never another version's or another app's definition.
CREATE VIEW tandem.role_versions WITH (security_barrier) AS
SELECT v.app, v.version, v.source, v.source_file
  FROM tandem.versions v
 WHERE v.retired_at IS NULL
   AND (EXISTS (SELECT 1 FROM tandem.version_roles r
                 WHERE r.app = v.app AND r.version = v.version
                   AND pg_catalog.pg_has_role(CURRENT_USER, pg_catalog.to_regrole(r.role)::oid, 'MEMBER'))
        OR pg_catalog.pg_has_role(CURRENT_USER, (SELECT c.relowner FROM pg_catalog.pg_class c
                                                  WHERE c.oid = 'tandem.journal'::regclass), 'MEMBER'));

-- tandem.role_journal: which transaction wrote which seq, for the apps the current role writes (a member of any
-- of the app's version roles). Only app, txid and seq: never a key, data or any other column of another
-- transaction's rows. A fence reads the largest seq of the transaction it waits for.
CREATE VIEW tandem.role_journal WITH (security_barrier) AS
SELECT j.app, j.txid, j.seq
  FROM tandem.journal j
 WHERE EXISTS (SELECT 1 FROM tandem.version_roles r
                WHERE r.app = j.app AND pg_catalog.pg_has_role(CURRENT_USER, pg_catalog.to_regrole(r.role)::oid, 'MEMBER'))
    OR pg_catalog.pg_has_role(CURRENT_USER, (SELECT c.relowner FROM pg_catalog.pg_class c
                                              WHERE c.oid = 'tandem.journal'::regclass), 'MEMBER');

-- tandem.role_applier_state: the applier's position and state for the same apps as tandem.role_journal (so a fence
-- that sees an app's position sees every journal row of that app it may wait for). No leader, heartbeat or pause
-- handshake columns.
CREATE VIEW tandem.role_applier_state WITH (security_barrier) AS
SELECT s.app, s.applied_snapshot, s.batch_snapshot, s.batch_done_seq, s.state, s.halted_txid, s.halted_reason
  FROM tandem.applier_state s
 WHERE EXISTS (SELECT 1 FROM tandem.version_roles r
                WHERE r.app = s.app AND pg_catalog.pg_has_role(CURRENT_USER, pg_catalog.to_regrole(r.role)::oid, 'MEMBER'))
    OR pg_catalog.pg_has_role(CURRENT_USER, (SELECT c.relowner FROM pg_catalog.pg_class c
                                              WHERE c.oid = 'tandem.journal'::regclass), 'MEMBER');

-- tandem.role_rejects: why the applier rejected a transaction, for the same apps as tandem.role_journal (a fence
-- that sees a transaction's rows and the position covering them must also see that it was rejected, or it would
-- report it applied). The reason only: not the copied journal row (entry).
CREATE VIEW tandem.role_rejects WITH (security_barrier) AS
SELECT x.app, x.txid, x.seq, x.reason, x.rejected_at
  FROM tandem.rejects x
 WHERE EXISTS (SELECT 1 FROM tandem.version_roles r
                WHERE r.app = x.app
                  AND pg_catalog.pg_has_role(CURRENT_USER, pg_catalog.to_regrole(r.role)::oid, 'MEMBER'))
    OR pg_catalog.pg_has_role(CURRENT_USER, (SELECT c.relowner FROM pg_catalog.pg_class c
                                              WHERE c.oid = 'tandem.journal'::regclass), 'MEMBER');

-- Views grant nothing to PUBLIC by default. The roles of versions released before this schema get their SELECT
-- here, so their apps keep booting and fencing without waiting for the next `tandem migrate` (which grants the
-- same to every version's role). A registered role that no longer exists is skipped.
DO $$
DECLARE
    registered record;
BEGIN
    FOR registered IN SELECT r.role FROM tandem.version_roles r
                       WHERE EXISTS (SELECT FROM pg_catalog.pg_roles g WHERE g.rolname = r.role)
    LOOP
        EXECUTE pg_catalog.format('GRANT SELECT ON tandem.role_versions, tandem.role_journal,'
                                  ' tandem.role_applier_state, tandem.role_rejects TO %I', registered.role);
    END LOOP;
END
$$;
