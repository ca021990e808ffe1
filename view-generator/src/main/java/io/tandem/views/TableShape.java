package io.tandem.views;

import io.tandem.core.definitions.SqlIdentifier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the catalog says about a live table that a build copies beside it: its columns, its indexes and key
 * constraints, and the foreign keys that tie it to other tables — each as SQL that recreates it on a table of the
 * same name in another schema. Definitions are read with only {@code pg_catalog} on the search_path, so every name
 * in them is schema-qualified and can be re-pointed exactly.
 */
final class TableShape {
    /**
     * A foreign key: the table it is on, the one it references, its name, its definition as the server prints it
     * (the referenced table schema-qualified), and how the server prints the referenced table's name.
     */
    record ForeignKey(String table, String references, String name, String definition, String printedReference) {
        /** {@code ALTER TABLE ... ADD CONSTRAINT} on {@code schema.table}, referencing the table in {@code referencedSchema}. */
        String add(String schema, String referencedSchema, boolean notValid) {
            String def = replaceOnce(definition, "REFERENCES " + printedReference + "(",
                    "REFERENCES " + q(referencedSchema) + "." + q(references) + "(");
            return "ALTER TABLE " + q(schema) + "." + q(table) + " ADD CONSTRAINT " + q(name) + " " + def
                    + (notValid ? " NOT VALID" : "");
        }
    }

    /** {@code text} with {@code target} replaced by {@code replacement}, which must occur exactly there once. */
    private static String replaceOnce(String text, String target, String replacement) {
        int at = text.indexOf(target);
        if (at < 0 || text.indexOf(target, at + 1) >= 0) {
            throw new IllegalStateException("Cannot re-point '" + text + "': expected '" + target + "' once in it");
        }
        return text.substring(0, at) + replacement + text.substring(at + target.length());
    }

    private TableShape() {
    }

    /** The columns a copy inserts: stored, not generated, in order. */
    static List<String> columns(Connection c, String schema, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT a.attname FROM pg_catalog.pg_attribute a"
                + " WHERE a.attrelid = pg_catalog.to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped"
                + " AND a.attgenerated = '' ORDER BY a.attnum")) {
            s.setString(1, q(schema) + "." + q(table));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.add(q(rs.getString(1)));
                }
            }
        }
        return columns;
    }

    /**
     * Statements that recreate the live table's primary key, unique and exclusion constraints and its other
     * indexes on the same-named table of {@code build}, under the same names.
     */
    static List<String> indexes(Connection c, String live, String build, String table) throws SQLException {
        List<String> sql = new ArrayList<>();
        String liveName = q(live) + "." + q(table);
        String buildName = q(build) + "." + q(table);
        String printed = printed(c, live, table);
        withCatalogPath(c, () -> {
            try (PreparedStatement s = c.prepareStatement("SELECT con.conname, pg_catalog.pg_get_constraintdef(con.oid)"
                    + " FROM pg_catalog.pg_constraint con WHERE con.conrelid = pg_catalog.to_regclass(?)"
                    + " AND con.contype IN ('p', 'u', 'x') ORDER BY con.contype, con.conname")) {
                s.setString(1, liveName);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        sql.add("ALTER TABLE " + buildName + " ADD CONSTRAINT " + q(rs.getString(1)) + " "
                                + rs.getString(2));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.pg_get_indexdef(x.indexrelid)"
                    + " FROM pg_catalog.pg_index x WHERE x.indrelid = pg_catalog.to_regclass(?)"
                    // an index a constraint of this table owns is made by that constraint above; a unique index
                    // that a self-referencing foreign key points at is not owned by it, and must be copied
                    + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = x.indexrelid"
                    + " AND con.conrelid = x.indrelid AND con.contype IN ('p', 'u', 'x')) ORDER BY x.indexrelid")) {
                s.setString(1, liveName);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String def = rs.getString(1);
                        sql.add(def.contains(" ON ONLY " + printed + " USING ")
                                ? replaceOnce(def, " ON ONLY " + printed + " USING ", " ON ONLY " + buildName + " USING ")
                                : replaceOnce(def, " ON " + printed + " USING ", " ON " + buildName + " USING "));
                    }
                }
            }
        });
        return sql;
    }

    /** The foreign keys on, or referencing, any of {@code tables} of schema {@code live}. */
    static List<ForeignKey> foreignKeys(Connection c, String live, List<String> tables) throws SQLException {
        List<ForeignKey> keys = new ArrayList<>();
        withCatalogPath(c, () -> {
            try (PreparedStatement s = c.prepareStatement("SELECT t.relname, r.relname, con.conname,"
                    + " pg_catalog.pg_get_constraintdef(con.oid),"
                    + " pg_catalog.quote_ident(rn.nspname) || '.' || pg_catalog.quote_ident(r.relname)"
                    + " FROM pg_catalog.pg_constraint con"
                    + " JOIN pg_catalog.pg_class t ON t.oid = con.conrelid JOIN pg_catalog.pg_class r ON r.oid = con.confrelid"
                    + " JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace"
                    + " JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace"
                    + " WHERE con.contype = 'f' AND tn.nspname = ? AND rn.nspname = ?"
                    + " AND (t.relname = ANY (?) OR r.relname = ANY (?)) ORDER BY t.relname, con.conname")) {
                s.setString(1, live);
                s.setString(2, live);
                s.setArray(3, c.createArrayOf("text", tables.toArray()));
                s.setArray(4, c.createArrayOf("text", tables.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        keys.add(new ForeignKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5)));
                    }
                }
            }
        });
        return keys;
    }

    /**
     * Why a live table cannot be swapped for a copy — what a copy would not carry over, or what would keep pointing
     * at the old table after the switch: its own triggers, row-level security, a publication (logical replication
     * would silently stop), views or functions of the app's own (outside {@code tandemSchemas}) built on it.
     */
    static List<String> cannotMove(Connection c, String schema, String table, java.util.Set<String> tandemSchemas)
            throws SQLException {
        List<String> reasons = new ArrayList<>();
        String name = q(schema) + "." + q(table);
        try (PreparedStatement s = c.prepareStatement("SELECT"
                + " (SELECT string_agg(t.tgname, ', ') FROM pg_catalog.pg_trigger t WHERE t.tgrelid = r.oid"
                + "   AND NOT t.tgisinternal),"
                + " r.relrowsecurity,"
                + " (SELECT string_agg(p.pubname, ', ') FROM pg_catalog.pg_publication p WHERE p.puballtables"
                + "   OR EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel pr WHERE pr.prpubid = p.oid"
                + "   AND pr.prrelid = r.oid)),"
                + " (SELECT string_agg(DISTINCT vn.nspname || '.' || v.relname, ', ') FROM pg_catalog.pg_depend d"
                + "   JOIN pg_catalog.pg_rewrite w ON w.oid = d.objid JOIN pg_catalog.pg_class v ON v.oid = w.ev_class"
                + "   JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace"
                + "   WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.refobjid = r.oid"
                + "   AND v.oid <> r.oid AND NOT vn.nspname = ANY (?))"
                + " FROM pg_catalog.pg_class r WHERE r.oid = pg_catalog.to_regclass(?)")) {
            s.setArray(1, c.createArrayOf("text", tandemSchemas.toArray()));
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    if (rs.getString(1) != null) {
                        reasons.add("table " + table + " has triggers of its own (" + rs.getString(1) + "), which a"
                                + " copy would not carry; release in place (tandem migrate --in-place)");
                    }
                    if (rs.getBoolean(2)) {
                        reasons.add("table " + table + " has row-level security, which a copy would not carry;"
                                + " release in place (tandem migrate --in-place)");
                    }
                    if (rs.getString(3) != null) {
                        reasons.add("table " + table + " is published (" + rs.getString(3) + "); replication of a"
                                + " copy would silently stop; release in place (tandem migrate --in-place)");
                    }
                    if (rs.getString(4) != null) {
                        reasons.add("views outside Tandem's (" + rs.getString(4) + ") read table " + table + " and"
                                + " would keep reading the previous table after the switch; drop them in a release"
                                + " before this one, or release in place (tandem migrate --in-place)");
                    }
                }
            }
        }
        return reasons;
    }

    /** How the server prints {@code schema.table} when it qualifies it (quoting only where needed). */
    private static String printed(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT pg_catalog.quote_ident(?) || '.' || pg_catalog.quote_ident(?)")) {
            s.setString(1, schema);
            s.setString(2, table);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private interface CatalogWork {
        void run() throws SQLException;
    }

    /** Runs {@code work} with only pg_catalog on the search_path, then restores the caller's path. */
    private static void withCatalogPath(Connection c, CatalogWork work) throws SQLException {
        String path;
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.current_setting('search_path')");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            path = rs.getString(1);
        }
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.set_config('search_path', 'pg_catalog', false)")) {
            s.execute();
        }
        try {
            work.run();
        } finally {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.set_config('search_path', ?, false)")) {
                s.setString(1, path);
                s.execute();
            }
        }
    }

    static String q(String identifier) {
        return SqlIdentifier.of(identifier).quoted();
    }
}
