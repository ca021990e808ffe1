-- Optimistic locking for real (issue 5, item 4; docs/hibernate.md "@Version"). An entity whose definition declares
-- version_field gets an extra step in its generated view trigger: before journaling an UPDATE or DELETE it takes the
-- key's lock and asks tandem.unapplied_version_change whether another transaction has committed a change of the
-- version field that the applier has not applied yet. If so, the row the statement matched is stale and the trigger
-- returns NULL (0 rows), as a plain table would after a concurrent update.
--
-- tandem.lock_key(app, key): the journal's per-key transaction lock, the expression of V6's
-- tandem.journal_before_insert exactly (that trigger keeps it inline: a function call per journal row would cost).
-- Waiting on it waits for any transaction that has journaled this key to commit or roll back.
-- PerKeyOrderTest checks that the two take the same lock.
CREATE FUNCTION tandem.lock_key(p_app text, p_key jsonb)
    RETURNS void
    LANGUAGE sql
    SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp AS
$$
    SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(p_app || ':' || p_key::text, 0))
$$;

-- tandem.unapplied_version_change(app, entity, key, field): whether a transaction other than the caller's has a
-- committed journal row for (app, entity, key) that the applier has not applied (nor rejected) yet and that changed
-- the field: an insert, a delete, or an update whose changed list has it (or, changed null, whose data has it).
-- "Applied" is the applier's position in tandem.applier_state: visible in applied_snapshot, or part of the
-- partially applied batch up to batch_done_seq (the rule of io.tandem.core.Backlog). The (app, txid) index is
-- bounded below by the snapshot's xmin, so only the unapplied tail of the journal is read.
--
-- STABLE on purpose: it reads with the calling statement's snapshot, so the generated trigger can compare the view's
-- current row and this answer as of ONE snapshot (a fresh one, taken after the key's lock was granted).
-- SECURITY DEFINER: the app roles cannot read the journal; the answer is one boolean about a key the caller is
-- writing, so it leaks nothing. EXECUTE is granted to the generated version roles only.
CREATE FUNCTION tandem.unapplied_version_change(p_app text, p_entity text, p_key jsonb, p_field text)
    RETURNS boolean
    LANGUAGE sql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
    SELECT EXISTS (
        SELECT 1
          FROM (SELECT coalesce(s.applied_snapshot, '1:1:') AS applied, s.batch_snapshot AS batch,
                       s.batch_done_seq AS done
                  FROM (SELECT 1) one LEFT JOIN tandem.applier_state s ON s.app = p_app) pos,
               tandem.journal j
         WHERE j.app = p_app
           AND j.txid >= pg_snapshot_xmin(pos.applied)
           AND NOT pg_visible_in_snapshot(j.txid, pos.applied)
           AND j.txid IS DISTINCT FROM pg_current_xact_id_if_assigned()
           AND j.entity = p_entity
           AND j.key = p_key
           AND (j.op <> 'update' OR p_field = ANY (j.changed) OR (j.changed IS NULL AND pg_catalog.jsonb_exists(j.data, p_field)))
           AND NOT (pos.batch IS NOT NULL AND pg_visible_in_snapshot(j.txid, pos.batch)
                    AND (SELECT max(t.seq) FROM tandem.journal t WHERE t.app = p_app AND t.txid = j.txid) <= pos.done))
$$;

REVOKE EXECUTE ON FUNCTION tandem.lock_key(text, jsonb) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION tandem.unapplied_version_change(text, text, jsonb, text) FROM PUBLIC;
