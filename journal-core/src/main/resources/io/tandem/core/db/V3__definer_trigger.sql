-- Least privilege (BRIEF §5): an app's generated role (view-generator) may INSERT into tandem.journal and call
-- tandem.append, nothing else: no USAGE on the journal's identity sequence, no SELECT on the journal, and row-level
-- security restricts it to rows of its own app and version.
--
-- 1. The insert trigger allocates seq with nextval(), which needs USAGE on the sequence. It now runs as its owner
--    (SECURITY DEFINER) with a fixed search_path, every name qualified, so any role allowed to insert can. It also
--    leaves the row's seq in the transaction-local setting tandem.last_seq, for tandem.append.
-- 2. tandem.append used INSERT ... RETURNING seq, which needs SELECT on the journal (and, under row-level security,
--    a SELECT policy the app roles do not have). It now returns tandem.last_seq instead. It stays SECURITY INVOKER
--    on purpose: the caller's row-level security policy must apply to what it appends.
CREATE OR REPLACE FUNCTION tandem.journal_before_insert() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(NEW.app || ':' || NEW.key::text, 0));
    NEW.seq := pg_catalog.nextval(pg_catalog.pg_get_serial_sequence('tandem.journal', 'seq'));
    PERFORM pg_catalog.set_config('tandem.last_seq', NEW.seq::text, true);
    NEW.txid := pg_catalog.pg_current_xact_id();
    RETURN NEW;
END
$$;

-- A trigger function cannot be called directly anyway; firing a trigger needs no EXECUTE privilege.
REVOKE EXECUTE ON FUNCTION tandem.journal_before_insert() FROM PUBLIC;

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
    RETURN pg_catalog.current_setting('tandem.last_seq')::bigint;
END
$$;

-- Callers get EXECUTE by an explicit grant (the owner, and the generated app roles).
REVOKE EXECUTE ON FUNCTION tandem.append(text, int, text, text, jsonb, jsonb, text[], text) FROM PUBLIC;
