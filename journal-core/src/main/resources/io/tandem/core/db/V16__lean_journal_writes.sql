-- Cheaper journal writes, with the same guarantees (benchmarks/profiles/write-path-2026-12-02.md counts each change
-- in instructions per transaction):
--
-- 1. The journal's format checks move from CHECK constraints into the insert trigger. PostgreSQL reads a CHECK
--    constraint's expression back from its stored text and compiles it once per statement execution, and a write
--    through a view is one statement execution per journal row: that was about a tenth of a journaled insert. The
--    trigger tests the same two things (op is insert, update or delete; key is a JSON object) on PL/pgSQL's fast
--    path, with a message that says what to fix. The constraints are dropped by the next migration (V17), after
--    this trigger is in place, so no row is ever unchecked.
-- 2. The per-key lock is taken with pg_try_advisory_xact_lock, a simple expression, and only when another
--    transaction holds the key with the blocking pg_advisory_xact_lock (PERFORM runs a whole query each time). The
--    lock and the order it gives are unchanged.
-- 3. The own-writes switch of the generated write triggers (docs/views.md, "Own writes") computes the overlay's
--    search_path once per session and search_path instead of once per writing transaction:
--    tandem.overlay_search_path(plain, overlay) is a SQL function PostgreSQL inlines into the trigger's expression;
--    it returns the path remembered for the current schemas, and computes and remembers it
--    (tandem.remember_overlay_search_path) when there is none. The memory is two session settings,
--    tandem.overlay_search_path and tandem.overlay_search_path_for, the latter keyed on the plain schema, the
--    current role and the resolved current_schemas(false), so another role, a changed search_path, or a schema
--    created since, is computed afresh.
--    A session that sets them itself only changes its own search_path, which it could set anyway.
CREATE OR REPLACE FUNCTION tandem.journal_before_insert() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY INVOKER AS
$$
DECLARE
    lock_id pg_catalog.int8;
BEGIN
    IF NEW.txid OPERATOR(pg_catalog.<>) pg_catalog.pg_current_xact_id() THEN
        RAISE EXCEPTION 'tandem.journal.txid must be the writing transaction''s id (%), not %: leave the column out'
            ' of the INSERT', pg_catalog.pg_current_xact_id(), NEW.txid USING ERRCODE = 'check_violation';
    END IF;
    IF NOT NEW.op OPERATOR(pg_catalog.=) ANY ('{insert,update,delete}'::pg_catalog.text[]) THEN
        RAISE EXCEPTION 'tandem.journal.op must be insert, update or delete, not ''%'' (entity %.% key %)',
            NEW.op, NEW.app, NEW.entity, NEW.key USING ERRCODE = 'check_violation';
    END IF;
    IF pg_catalog.jsonb_typeof(NEW.key) OPERATOR(pg_catalog.<>) 'object' THEN
        RAISE EXCEPTION 'tandem.journal.key must be a JSON object of the key fields, e.g. {"id": 42}, not % (entity'
            ' %.%)', NEW.key, NEW.app, NEW.entity USING ERRCODE = 'check_violation';
    END IF;
    lock_id := pg_catalog.hashtextextended(
        NEW.app OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) pg_catalog.lower(
            pg_catalog.replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
                pg_catalog.jsonb_path_query_array(NEW.key, '$.*')::pg_catalog.text,
                '(\.[0-9]*[1-9])0+(?![0-9])', '\1', 'g'), '\.0+(?![0-9])', '', 'g'), '"', '')), 0);
    IF NOT pg_catalog.pg_try_advisory_xact_lock(lock_id) THEN
        PERFORM pg_catalog.pg_advisory_xact_lock(lock_id);
    END IF;
    NEW.seq := pg_catalog.nextval('tandem.journal_seq_seq'::pg_catalog.regclass);
    RETURN NEW;
END
$$;

-- What the remembered path is remembered for: the plain schema, the current role and the schemas the session
-- resolves now (a pooled session used by another role computes its own).
CREATE FUNCTION tandem.overlay_search_path_key(p_plain pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE sql STABLE AS
$$
    SELECT p_plain OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(CURRENT_USER)
           OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) pg_catalog.current_schemas(false)::pg_catalog.text
$$;

-- The session's search_path with p_plain replaced by p_overlay, each schema quoted; remembered for the session.
-- SECURITY INVOKER and no SET clause: it reads the caller's own search_path.
CREATE FUNCTION tandem.remember_overlay_search_path(p_plain pg_catalog.text, p_overlay pg_catalog.text)
    RETURNS pg_catalog.text
    LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
    path pg_catalog.text;
BEGIN
    SELECT pg_catalog.string_agg(pg_catalog.quote_ident(CASE WHEN t.s OPERATOR(pg_catalog.=) p_plain THEN p_overlay
                                                            ELSE t.s END), ', ' ORDER BY t.o)
      INTO path
      FROM pg_catalog.unnest(pg_catalog.current_schemas(false)::pg_catalog.text[]) WITH ORDINALITY AS t(s, o);
    PERFORM pg_catalog.set_config('tandem.overlay_search_path', path, false),
            pg_catalog.set_config('tandem.overlay_search_path_for', tandem.overlay_search_path_key(p_plain), false);
    RETURN path;
END
$$;

-- The overlay's search_path for a writing transaction (inlined: no call on the path a session has remembered).
CREATE FUNCTION tandem.overlay_search_path(p_plain pg_catalog.text, p_overlay pg_catalog.text)
    RETURNS pg_catalog.text
    LANGUAGE sql VOLATILE AS
$$
    SELECT CASE WHEN pg_catalog.current_setting('tandem.overlay_search_path_for', true)
                     OPERATOR(pg_catalog.=) tandem.overlay_search_path_key(p_plain)
                THEN pg_catalog.current_setting('tandem.overlay_search_path')
                ELSE tandem.remember_overlay_search_path(p_plain, p_overlay) END
$$;

GRANT EXECUTE ON FUNCTION tandem.overlay_search_path_key(text), tandem.remember_overlay_search_path(text, text),
    tandem.overlay_search_path(text, text) TO PUBLIC;
