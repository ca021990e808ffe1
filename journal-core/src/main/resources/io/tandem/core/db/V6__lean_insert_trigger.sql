-- The journal's insert trigger runs for every row every writer appends, so it does as little as it can
-- (benchmarks/RESULTS.md measured ~22 µs per row for the version of V3 against ~12 µs for this one):
--   * no SECURITY DEFINER and no SET search_path (each forces a context switch and a GUC save/restore per call);
--     every name is schema-qualified instead, and the roles that may insert get USAGE on the journal's sequence
--     (the view generator grants it; the owner has it);
--   * the sequence is named as a constant regclass, not looked up by pg_get_serial_sequence on every row;
--   * no tandem.last_seq setting per row: tandem.append returns currval of the sequence, which after the insert is
--     the row's seq (currval is per session).
-- What it guarantees is unchanged (V2): the per-key lock is taken before the row's seq is allocated, and txid is
-- the writing transaction's.
CREATE OR REPLACE FUNCTION tandem.journal_before_insert() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY INVOKER
    RESET search_path AS
$$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(NEW.app || ':' || NEW.key::text, 0));
    NEW.seq := pg_catalog.nextval('tandem.journal_seq_seq'::pg_catalog.regclass);
    NEW.txid := pg_catalog.pg_current_xact_id();
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION tandem.append(p_app text, p_app_version int, p_entity text, p_op text, p_key jsonb,
                                         p_data jsonb DEFAULT NULL, p_changed text[] DEFAULT NULL,
                                         p_origin text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
    INSERT INTO tandem.journal (app, app_version, entity, op, key, data, changed, origin)
    VALUES (p_app, p_app_version, p_entity, p_op, p_key, p_data, p_changed, p_origin);
    RETURN pg_catalog.currval('tandem.journal_seq_seq'::pg_catalog.regclass);
END
$$;
