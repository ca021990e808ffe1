package io.tandem.bench;

import io.tandem.core.JournalEntry;
import io.tandem.core.VersionDefinition;
import io.tandem.orm.JournalWriter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The plain-JDBC write variants: through the journal, directly, and pgroll's duplicate-column trigger. */
final class WriteVariants {
    private WriteVariants() {
    }

    static String fullName(long id) {
        return "Customer " + id;
    }

    static String email(long id) {
        return "c" + id + "@example.org";
    }

    /** Tandem: one journal row per customer, {@link JournalWriter} (checked, one JDBC batch). */
    static final class Journal implements WriteVariant {
        private final JournalWriter writer;

        Journal(List<VersionDefinition> versions) {
            this.writer = new JournalWriter(versions);
        }

        @Override
        public String name() {
            return "journal";
        }

        @Override
        public void prepare(Connection c) {
        }

        @Override
        public void write(Connection c, long firstId, int n) throws SQLException {
            List<JournalEntry> entries = new ArrayList<>(n);
            for (long id = firstId; id < firstId + n; id++) {
                entries.add(JournalEntry.insert("shop", 1, "customer", Map.of("id", id),
                        Map.of("id", id, "full_name", fullName(id), "email", email(id))));
            }
            writer.append(c, entries);
        }
    }

    /** The baseline: the same rows inserted into the physical table, one prepared statement, one JDBC batch. */
    static class Direct implements WriteVariant {
        private final String table;

        Direct() {
            this("customer");
        }

        Direct(String table) {
            this.table = table;
        }

        @Override
        public String name() {
            return "direct";
        }

        @Override
        public void prepare(Connection c) throws SQLException {
        }

        @Override
        public void write(Connection c, long firstId, int n) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (id, full_name, email) VALUES (?, ?, ?)")) {
                for (long id = firstId; id < firstId + n; id++) {
                    s.setLong(1, id);
                    s.setString(2, fullName(id));
                    s.setString(3, email(id));
                    if (n == 1) {
                        s.executeUpdate();
                    } else {
                        s.addBatch();
                    }
                }
                if (n > 1) {
                    s.executeBatch();
                }
            }
        }
    }

    /**
     * pgroll's technique during release 2's "split full_name": the table carries the new columns too, and a
     * BEFORE trigger fills them from the old one on every write (pgroll's "up" expression), so both schema versions
     * see their columns. Writes are the direct ones, plus the trigger.
     */
    static final class PgrollTrigger extends Direct {
        PgrollTrigger() {
            super("customer_pgroll");
        }

        @Override
        public String name() {
            return "pgroll_trigger";
        }

        @Override
        public void prepare(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE customer_pgroll (id bigint PRIMARY KEY, full_name text NOT NULL,"
                        + " email text NOT NULL UNIQUE, first_name text, last_name text)");
                s.execute("CREATE FUNCTION customer_pgroll_up() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " NEW.first_name := split_part(NEW.full_name, ' ', 1);"
                        + " NEW.last_name := substr(NEW.full_name, length(split_part(NEW.full_name, ' ', 1)) + 2);"
                        + " RETURN NEW; END $$");
                s.execute("CREATE TRIGGER customer_pgroll_up BEFORE INSERT OR UPDATE ON customer_pgroll"
                        + " FOR EACH ROW EXECUTE FUNCTION customer_pgroll_up()");
            }
        }
    }
}
