-- Per-key order (docs/journal-format.md, "Ordering"): every journal insert, however it is written, first takes a
-- transaction-scoped advisory lock on its (app, key), and only then allocates its seq. So when two transactions
-- touch the same key, the second cannot allocate a seq for it until the first has committed or rolled back, and
-- "largest seq of the transaction" orders them as their commits did. The applier relies on exactly that.
--
-- The trigger also stamps txid, so a client cannot forge the transaction its rows belong to.
-- seq numbers skipped by the re-allocation leave gaps; seq was never gap-free (rolled-back rows leave gaps too).
CREATE FUNCTION tandem.journal_before_insert() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.app || ':' || NEW.key::text, 0));
    NEW.seq := nextval(pg_get_serial_sequence('tandem.journal', 'seq'));
    NEW.txid := pg_current_xact_id();
    RETURN NEW;
END
$$;

CREATE TRIGGER journal_before_insert
    BEFORE INSERT ON tandem.journal
    FOR EACH ROW EXECUTE FUNCTION tandem.journal_before_insert();

-- The documented function for SQL clients that prefer a call to an INSERT; returns the row's seq.
CREATE FUNCTION tandem.append(p_app text, p_app_version int, p_entity text, p_op text, p_key jsonb,
                              p_data jsonb DEFAULT NULL, p_changed text[] DEFAULT NULL, p_origin text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE sql AS
$$
    INSERT INTO tandem.journal (app, app_version, entity, op, key, data, changed, origin)
    VALUES (p_app, p_app_version, p_entity, p_op, p_key, p_data, p_changed, p_origin)
    RETURNING seq
$$;
