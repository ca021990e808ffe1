-- Tandem schema 14: tandem.role_journal also shows when each row was written, so an app connected as a version's
-- role can tell how far behind the applier is (the age of the oldest row it has not applied) — what the Spring Boot
-- starter's health indicator reports. Still only the rows of the apps the role writes, and still never a key, data
-- or any other column of them.
CREATE OR REPLACE VIEW tandem.role_journal WITH (security_barrier) AS
SELECT j.app, j.txid, j.seq, j.written_at
  FROM tandem.journal j
 WHERE EXISTS (SELECT 1 FROM tandem.version_roles r
                WHERE r.app = j.app AND pg_catalog.pg_has_role(CURRENT_USER, pg_catalog.to_regrole(r.role)::oid, 'MEMBER'))
    OR pg_catalog.pg_has_role(CURRENT_USER, (SELECT c.relowner FROM pg_catalog.pg_class c
                                              WHERE c.oid = 'tandem.journal'::regclass), 'MEMBER');
