package io.tandem.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * pgroll's technique during release 2's "split full_name", as a table to write into: {@code pgroll.customer} is
 * release 1's {@code customer} (same columns, defaults, id sequence, keys and indexes) plus the new columns, and a
 * BEFORE trigger fills them from the old one on every write (pgroll's "up" expression), so both schema versions
 * see their columns. Writing to it is the direct write plus the trigger.
 */
final class PgrollTable {
    static final String SCHEMA = "pgroll";
    static final String CUSTOMER = SCHEMA + ".customer";

    private PgrollTable() {
    }

    /** Creates the schema, the table and its trigger; release 1's {@code customer} table must exist. */
    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + SCHEMA);
            s.execute("CREATE TABLE " + CUSTOMER + " (LIKE public.customer INCLUDING ALL,"
                    + " first_name text, last_name text)");
            s.execute("CREATE FUNCTION " + SCHEMA + ".customer_up() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " NEW.first_name := split_part(NEW.full_name, ' ', 1);"
                    + " NEW.last_name := substr(NEW.full_name, length(split_part(NEW.full_name, ' ', 1)) + 2);"
                    + " RETURN NEW; END $$");
            s.execute("CREATE TRIGGER customer_up BEFORE INSERT OR UPDATE ON " + CUSTOMER
                    + " FOR EACH ROW EXECUTE FUNCTION " + SCHEMA + ".customer_up()");
        }
    }
}
