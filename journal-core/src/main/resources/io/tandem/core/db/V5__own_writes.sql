-- A transaction sees its own writes (BRIEF §5, issue 5): the generated views overlay the current transaction's own
-- journal rows of their entity on the physical rows, until the applier has applied them. Two helpers:
--
-- tandem.own_journal(app, version, entity): the CURRENT transaction's journal rows of one entity, grouped by key,
-- ops and data in seq order. App roles have no SELECT on the journal; this function runs as its owner but only
-- ever returns rows the caller's own transaction wrote (txid = the caller's transaction id), so it leaks nothing.
-- A transaction that has not written anything has no transaction id yet: the function returns nothing, and the
-- views do not even call it (they test pg_current_xact_id_if_assigned() first, once per query).
CREATE FUNCTION tandem.own_journal(p_app text, p_version int, p_entity text)
    RETURNS TABLE (key jsonb, ops text[], datas jsonb[])
    LANGUAGE sql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
    SELECT j.key, pg_catalog.array_agg(j.op ORDER BY j.seq), pg_catalog.array_agg(j.data ORDER BY j.seq)
      FROM tandem.journal j
     WHERE j.app = p_app
       AND j.txid = pg_catalog.pg_current_xact_id_if_assigned()
       AND j.app_version = p_version
       AND j.entity = p_entity
     GROUP BY j.key
$$;

-- tandem.own_fold(base, ops, datas): the state of one key after the transaction's own rows, starting from the
-- physical row as the view reads it (base, null when there is none): insert = its data, update = state || data,
-- delete = gone (null). An update of a key that has no state stays gone, as the applier would find no row.
CREATE FUNCTION tandem.own_fold(p_base jsonb, p_ops text[], p_datas jsonb[])
    RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    state jsonb := p_base;
BEGIN
    FOR i IN 1 .. coalesce(pg_catalog.array_length(p_ops, 1), 0) LOOP
        IF p_ops[i] = 'insert' THEN
            state := coalesce(p_datas[i], '{}'::jsonb);
        ELSIF p_ops[i] = 'update' THEN
            state := state || coalesce(p_datas[i], '{}'::jsonb);
        ELSE
            state := NULL;
        END IF;
    END LOOP;
    RETURN state;
END
$$;
