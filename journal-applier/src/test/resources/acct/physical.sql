CREATE TABLE item (id bigint PRIMARY KEY, val bigint, token text);
CREATE TABLE line (id bigint PRIMARY KEY, item_id bigint NOT NULL REFERENCES item (id), amount numeric(12,2) NOT NULL CHECK (amount >= 0));
-- Audit of every physical write, with the applier transaction that made it: proves exactly-once and atomicity.
CREATE TABLE item_audit (token text, id bigint, applier_xid xid8 NOT NULL DEFAULT pg_current_xact_id());
CREATE FUNCTION item_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO item_audit (token, id) VALUES (NEW.token, NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER item_audit AFTER INSERT OR UPDATE ON item FOR EACH ROW EXECUTE FUNCTION item_audit();
