-- The per-key lock serialises writes to one physical row, however a writer spelled its key.
--
-- Until now the lock hashed the key's JSON text, so {"id":5} and {"id":5.0} (both valid for a bigint key), or two
-- versions that name the key field differently ({"id":5} and {"customer_id":5}), took different locks, and a later
-- commit of the same row could be ordered before an earlier one. The lock is now taken on the key's values alone,
-- as text: the JSON array of the values (in the order of their field names), trailing zeros of fractions removed
-- (5.0 -> 5, 5.10 -> 5.1), quotes removed (the string "5" -> 5), lower-cased, with neither field names nor entity.
-- Two writes of one row therefore take the same lock. Distinct rows share one only when their key values are
-- equal (customer 5 and order 5), which costs at most a wait, never an order.
--
-- It is one plain expression, no subquery, so PL/pgSQL evaluates it on its fast path: a few microseconds per row
-- (a jsonb_each/string_agg version cost twice that; benchmarks/RESULTS.md has the write path's figures).
-- tandem.key_lock_id(app, key) is the lock's bigint id, the expression the insert trigger inlines (a function call
-- per journal row would cost; PerKeyOrderTest checks that both give the same id); tandem.lock_key takes it.
CREATE FUNCTION tandem.key_lock_id(p_app text, p_key jsonb)
    RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp AS
$$
    SELECT pg_catalog.hashtextextended(p_app OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) pg_catalog.lower(
               pg_catalog.replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
                   pg_catalog.jsonb_path_query_array(p_key, '$.*')::pg_catalog.text,
                   '(\.[0-9]*[1-9])0+(?![0-9])', '\1', 'g'), '\.0+(?![0-9])', '', 'g'), '"', '')), 0)
$$;

CREATE OR REPLACE FUNCTION tandem.lock_key(p_app text, p_key jsonb)
    RETURNS void
    LANGUAGE sql
    SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp AS
$$
    SELECT pg_catalog.pg_advisory_xact_lock(tandem.key_lock_id(p_app, p_key))
$$;

CREATE OR REPLACE FUNCTION tandem.journal_before_insert() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY INVOKER
    RESET search_path AS
$$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
        NEW.app OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) pg_catalog.lower(
            pg_catalog.replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
                pg_catalog.jsonb_path_query_array(NEW.key, '$.*')::pg_catalog.text,
                '(\.[0-9]*[1-9])0+(?![0-9])', '\1', 'g'), '\.0+(?![0-9])', '', 'g'), '"', '')), 0));
    NEW.seq := pg_catalog.nextval('tandem.journal_seq_seq'::pg_catalog.regclass);
    NEW.txid := pg_catalog.pg_current_xact_id();
    RETURN NEW;
END
$$;

GRANT EXECUTE ON FUNCTION tandem.key_lock_id(text, jsonb) TO PUBLIC;

-- The journal rows an applier track applied that wrote nothing: an update or delete of a row that does not exist.
-- Counted in the transaction that moves the position (so never twice), shown by tandem status and /metrics.
ALTER TABLE tandem.applier_state ADD COLUMN noop_writes bigint NOT NULL DEFAULT 0;
ALTER TABLE tandem.releases ADD COLUMN noop_writes bigint NOT NULL DEFAULT 0;
