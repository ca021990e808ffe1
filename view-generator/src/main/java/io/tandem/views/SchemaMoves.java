package io.tandem.views;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.tandem.views.TableShape.q;

/**
 * The catalog moves of a switch (and of its revert): tables change schema whole — rows, indexes, constraints,
 * identity sequences and all — in a time that does not depend on their size, and the sequences the app draws its
 * keys from stay where they are, handed from the outgoing table to the incoming one.
 *
 * <p>Why sequences are handed over rather than moved: a sequence owned by a column moves with its table, and
 * PostgreSQL keeps an owned sequence in its table's schema. The app's key sequences ({@code OWNED BY}, serial) must
 * stay live and keep counting, so each is released from the outgoing table before it moves and given to the
 * incoming table after. Identity sequences belong to their table: the incoming table's own is set to continue
 * from the outgoing one's.
 */
final class SchemaMoves {
    /** A sequence owned by a table's column (not an identity sequence). */
    record OwnedSequence(String sequence, String table, String column) {
    }

    private final Connection c;

    SchemaMoves(Connection c) {
        this.c = c;
    }

    /**
     * Takes {@code SHARE UPDATE EXCLUSIVE} on every table a switch moves or alters: {@code tables} of {@code live},
     * the tables of {@code live} whose foreign keys reference them or that they reference (a foreign key dropped or
     * added locks both ends), and every table of {@code other} (the schema the incoming tables come from). Returns
     * how many tables it locked.
     *
     * <p>Why: {@code VACUUM}, {@code ANALYZE} and autovacuum hold this lock, and a move's {@code ACCESS EXCLUSIVE}
     * lock taken after the views are dropped would queue behind an autovacuum worker until PostgreSQL cancels it
     * ({@code deadlock_timeout}, 1 s by default), with every reader and writer of the views waiting too. This lock
     * conflicts with maintenance but not with reads or writes, so taken first — before the applier or the views are
     * held — the wait (and the worker's cancel) costs the app nothing, and no autovacuum starts on these tables
     * until the switch ends.
     */
    int holdAgainstMaintenance(String live, List<String> tables, String other) throws SQLException {
        List<String> locked = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.quote_ident(n.nspname) || '.'"
                + " || pg_catalog.quote_ident(t.relname) FROM pg_catalog.pg_class t"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE t.relkind IN ('r', 'p')"
                + " AND (n.nspname = ? OR n.nspname = ? AND (t.relname = ANY (?)"
                + " OR t.oid IN (SELECT k.conrelid FROM pg_catalog.pg_constraint k"
                + " JOIN pg_catalog.pg_class r ON r.oid = k.confrelid"
                + " WHERE k.contype = 'f' AND r.relnamespace = n.oid AND r.relname = ANY (?))"
                + " OR t.oid IN (SELECT k.confrelid FROM pg_catalog.pg_constraint k"
                + " JOIN pg_catalog.pg_class m ON m.oid = k.conrelid"
                + " WHERE k.contype = 'f' AND m.relnamespace = n.oid AND m.relname = ANY (?)))) ORDER BY 1")) {
            java.sql.Array names = c.createArrayOf("text", tables.toArray());
            s.setString(1, other);
            s.setString(2, live);
            s.setArray(3, names);
            s.setArray(4, names);
            s.setArray(5, names);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    locked.add(rs.getString(1));
                }
            }
        }
        if (!locked.isEmpty()) {
            try (Statement s = c.createStatement()) {
                s.execute("LOCK TABLE " + String.join(", ", locked) + " IN SHARE UPDATE EXCLUSIVE MODE");
            }
        }
        return locked.size();
    }

    /** The non-identity sequences of {@code schema} owned by columns of {@code tables}. */
    List<OwnedSequence> ownedSequences(String schema, List<String> tables) throws SQLException {
        List<OwnedSequence> owned = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT s.relname, t.relname, a.attname"
                + " FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
                + " JOIN pg_catalog.pg_class t ON t.oid = d.refobjid"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = s.relnamespace"
                + " WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'a'"
                + " AND n.nspname = ? AND t.relname = ANY (?)")) {
            s.setString(1, schema);
            s.setArray(2, c.createArrayOf("text", tables.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    owned.add(new OwnedSequence(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return owned;
    }

    void release(String schema, List<OwnedSequence> sequences) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (OwnedSequence o : sequences) {
                s.execute("ALTER SEQUENCE " + q(schema) + "." + q(o.sequence()) + " OWNED BY NONE");
            }
        }
    }

    /** Gives each sequence to the same-named column of the same-named table of {@code schema}, if it still has one. */
    void adopt(String schema, List<OwnedSequence> sequences) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (OwnedSequence o : sequences) {
                if (hasColumn(schema, o.table(), o.column())) {
                    s.execute("ALTER SEQUENCE " + q(schema) + "." + q(o.sequence()) + " OWNED BY " + q(schema) + "."
                            + q(o.table()) + "." + q(o.column()));
                }
            }
        }
    }

    /** Identity columns of {@code schema.table}: column → its sequence, qualified. */
    Map<String, String> identities(String schema, String table) throws SQLException {
        Map<String, String> identities = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT a.attname, pg_catalog.pg_get_serial_sequence(?, a.attname)"
                + " FROM pg_catalog.pg_attribute a WHERE a.attrelid = pg_catalog.to_regclass(?) AND a.attidentity <> ''"
                + " AND NOT a.attisdropped")) {
            String name = q(schema) + "." + q(table);
            s.setString(1, name);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    identities.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return identities;
    }

    /**
     * Makes the identity sequences of {@code to.table} continue from those of {@code from.table} (same columns),
     * never going back.
     */
    void continueIdentities(String from, String to, String table) throws SQLException {
        Map<String, String> target = identities(to, table);
        for (Map.Entry<String, String> source : identities(from, table).entrySet()) {
            String sequence = target.get(source.getKey());
            if (sequence == null) {
                continue;
            }
            try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.setval(?::regclass,"
                    + " greatest(o.last_value, n.last_value), o.is_called OR n.is_called)"
                    + " FROM (SELECT last_value, is_called FROM " + source.getValue() + ") o,"
                    + " (SELECT last_value, is_called FROM " + sequence + ") n")) {
                s.setString(1, sequence);
                s.execute();
            }
        }
    }

    /** Moves tables (with what belongs to them) and free-standing sequences from one schema to another. */
    void move(String from, String to, List<String> relations) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String relation : relations) {
                String kind = kind(from, relation);
                if (kind == null) {
                    continue; // moved already, with its table
                }
                s.execute("ALTER " + (kind.equals("S") ? "SEQUENCE " : "TABLE ") + q(from) + "." + q(relation)
                        + " SET SCHEMA " + q(to));
            }
        }
    }

    /** The tables and free-standing sequences of {@code schema}, except {@code excluded}. */
    List<String> relations(String schema, Set<String> excluded) throws SQLException {
        List<String> relations = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT c.relname FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?"
                + " AND (c.relkind IN ('r', 'p') OR c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
                + " WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid"
                + " AND d.deptype IN ('a', 'i'))) ORDER BY c.relkind DESC, c.relname")) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (!excluded.contains(rs.getString(1))) {
                        relations.add(rs.getString(1));
                    }
                }
            }
        }
        return relations;
    }

    /** Copies the table privileges of {@code from.table} to {@code to.table}. */
    void copyGrants(String from, String to, String table) throws SQLException {
        List<String> grants = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
                + " ELSE pg_catalog.quote_ident(r.rolname) END, a.privilege_type"
                + " FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a"
                + " LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee"
                + " WHERE c.oid = pg_catalog.to_regclass(?) AND a.grantee <> c.relowner")) {
            s.setString(1, q(from) + "." + q(table));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    grants.add("GRANT " + rs.getString(2) + " ON " + q(to) + "." + q(table) + " TO " + rs.getString(1));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String grant : grants) {
                s.execute(grant);
            }
        }
    }

    private String kind(String schema, String relation) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT c.relkind::text FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            s.setString(1, schema);
            s.setString(2, relation);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private boolean hasColumn(String schema, String table, String column) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_attribute"
                + " WHERE attrelid = pg_catalog.to_regclass(?) AND attname = ? AND attnum > 0 AND NOT attisdropped")) {
            s.setString(1, q(schema) + "." + q(table));
            s.setString(2, column);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }
}
