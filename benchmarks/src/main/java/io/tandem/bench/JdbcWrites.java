package io.tandem.bench;

import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The plain-JDBC write variants, the write path's secondary table (what Hibernate adds on each side): each
 * transaction borrows a pooled connection, autocommit off, writes in one JDBC batch and commits.
 */
abstract class JdbcWrites implements WriteVariant {
    private final String name;
    private final DataSource pool;

    private JdbcWrites(String name, DataSource pool) {
        this.name = name;
        this.pool = pool;
    }

    /** Tandem: one journal row per customer through {@link JournalWriter} (checked, one batch). */
    static WriteVariant journal(DataSource pool, List<VersionDefinition> versions) {
        return new Journal(pool, new JournalWriter(versions));
    }

    /** A journal row per customer, inserted with plain SQL into {@code table} (tandem.journal or a copy of it). */
    static WriteVariant journalRows(String name, DataSource pool, String table) {
        return new JournalRows(name, pool, table);
    }

    /** {@code INSERT INTO table (full_name, email)}, ids from the table's default; one batch. */
    static WriteVariant insert(String name, DataSource pool, String table) {
        return new Insert(name, pool, table);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void commitCustomers(long first, int n) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            write(c, first, n);
            c.commit();
        }
    }

    abstract void write(Connection c, long first, int n) throws SQLException;

    private static final class Journal extends JdbcWrites {
        private final JournalWriter writer;

        Journal(DataSource pool, JournalWriter writer) {
            super("journal", pool);
            this.writer = writer;
        }

        @Override
        void write(Connection c, long first, int n) throws SQLException {
            List<JournalEntry> entries = new ArrayList<>(n);
            for (long id = first; id < first + n; id++) {
                entries.add(JournalEntry.insert("shop", 1, "customer", Map.of("id", id), Map.of("id", id,
                        "full_name", WriteVariant.fullName(id), "email", WriteVariant.email(id))));
            }
            writer.append(c, entries);
        }
    }

    private static final class Insert extends JdbcWrites {
        private final String sql;

        Insert(String name, DataSource pool, String table) {
            super(name, pool);
            this.sql = "INSERT INTO " + table + " (full_name, email) VALUES (?, ?)";
        }

        @Override
        void write(Connection c, long first, int n) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (long i = first; i < first + n; i++) {
                    s.setString(1, WriteVariant.fullName(i));
                    s.setString(2, WriteVariant.email(i));
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

    private static final class JournalRows extends JdbcWrites {
        private final String sql;

        JournalRows(String name, DataSource pool, String table) {
            super(name, pool);
            this.sql = "INSERT INTO " + table + " (app, app_version, entity, op, key, data)"
                    + " VALUES ('shop', 1, 'customer', 'insert', ?::jsonb, ?::jsonb)";
        }

        @Override
        void write(Connection c, long first, int n) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (long id = first; id < first + n; id++) {
                    s.setString(1, "{\"id\": " + id + "}");
                    s.setString(2, "{\"id\": " + id + ", \"full_name\": \"" + WriteVariant.fullName(id)
                            + "\", \"email\": \"" + WriteVariant.email(id) + "\"}");
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
    }
}
