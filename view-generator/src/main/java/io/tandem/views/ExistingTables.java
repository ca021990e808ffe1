package io.tandem.views;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tables of one schema of a database that predates Tandem, as its catalog describes them: what a
 * {@link Scaffold} turns into a baseline migration and a first version definition. Read in one read-only
 * transaction with the schema alone on the search_path, so every expression the catalog renders (defaults,
 * constraints, indexes) names that schema's objects unqualified, as a migration of the app would.
 */
final class ExistingTables {
    /** A column; {@code quoted} is its name as SQL needs it ({@code quote_ident}). */
    record Column(String name, String quoted, String type, boolean notNull, String defaultSql, char identity,
                  char generated, String ownedSequence) {
        /** A generated column ({@code STORED} or, PostgreSQL 18, {@code VIRTUAL}): read-only. */
        boolean isGenerated() {
            return generated != 0;
        }

        /** A serial column: a nextval default on a sequence the column owns. */
        boolean serial() {
            return identity == 0 && ownedSequence != null && defaultSql != null && defaultSql.startsWith("nextval(");
        }
    }

    /**
     * A constraint as {@code pg_get_constraintdef} writes it; {@code type} as in {@code pg_constraint.contype};
     * {@code references} the referenced table of a foreign key as {@code schema.table}, else null.
     */
    record Constraint(String name, String quoted, char type, String definition, List<String> columns,
                      String references) {
    }

    /** A table; {@code shape} is null for an ordinary table, else why it is not one (partitioned, inherits, ...). */
    record Table(String name, String quoted, String shape, List<Column> columns, List<Constraint> constraints,
                 List<String> indexes) {
        Constraint primaryKey() {
            return constraints.stream().filter(k -> k.type() == 'p').findFirst().orElse(null);
        }
    }

    private ExistingTables() {
    }

    /** Every table of {@code schema}, by name, except Flyway's history. */
    static List<Table> read(Connection c, String schema) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
            s.execute("SELECT pg_catalog.set_config('search_path', pg_catalog.quote_ident("
                    + "'" + schema.replace("'", "''") + "'), true)");
            List<Table> tables = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("""
                    SELECT c.oid, c.relname, pg_catalog.quote_ident(c.relname),
                           CASE WHEN c.relkind = 'p' THEN 'partitioned'
                                WHEN c.relispartition THEN 'a partition'
                                WHEN EXISTS (SELECT FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid
                                                                                     OR i.inhparent = c.oid)
                                     THEN 'in an inheritance tree' END
                      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND c.relname <> 'flyway_schema_history'
                       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d   -- an extension's own tables
                                        WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                          AND d.objid = c.oid AND d.deptype = 'e')
                     ORDER BY c.relname""")) {
                p.setString(1, schema);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        long oid = rs.getLong(1);
                        tables.add(new Table(rs.getString(2), rs.getString(3), rs.getString(4), columns(c, oid),
                                constraints(c, oid), indexes(c, oid)));
                    }
                }
            }
            return tables;
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
    }

    private static List<Column> columns(Connection c, long table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("""
                SELECT a.attname, pg_catalog.quote_ident(a.attname), pg_catalog.format_type(a.atttypid, a.atttypmod),
                       a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
                       pg_catalog.pg_get_serial_sequence(a.attrelid::regclass::text, a.attname)
                  FROM pg_catalog.pg_attribute a
                  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
                 ORDER BY a.attnum""")) {
            p.setLong(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                            rs.getString(5), flag(rs.getString(6)), flag(rs.getString(7)), rs.getString(8)));
                }
            }
        }
        return columns;
    }

    /** A one-letter catalog flag; 0 for none. */
    private static char flag(String value) {
        return value == null || value.isEmpty() ? 0 : value.charAt(0);
    }

    private static List<Constraint> constraints(Connection c, long table) throws SQLException {
        List<Constraint> constraints = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("""
                SELECT k.conname, pg_catalog.quote_ident(k.conname), k.contype, pg_catalog.pg_get_constraintdef(k.oid),
                       (SELECT pg_catalog.array_agg(a.attname ORDER BY u.ord)
                          FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
                          JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum),
                       (SELECT rn.nspname || '.' || r.relname FROM pg_catalog.pg_class r
                          JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace WHERE r.oid = k.confrelid)
                  FROM pg_catalog.pg_constraint k
                 WHERE k.conrelid = ? AND k.contype IN ('p', 'u', 'c', 'f', 'x')
                 ORDER BY k.contype = 'f', k.contype, k.conname""")) {
            p.setLong(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    java.sql.Array columns = rs.getArray(5);
                    constraints.add(new Constraint(rs.getString(1), rs.getString(2), rs.getString(3).charAt(0),
                            rs.getString(4),
                            columns == null ? List.of() : Arrays.asList((String[]) columns.getArray()),
                            rs.getString(6)));
                }
            }
        }
        return constraints;
    }

    /**
     * {@code CREATE INDEX} of the indexes no constraint owns, the table unqualified ({@code pg_get_indexdef}
     * qualifies it whatever the search_path), as the baseline creates the tables in the app's own schema.
     */
    private static List<String> indexes(Connection c, long table) throws SQLException {
        List<String> indexes = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("""
                SELECT pg_catalog.replace(pg_catalog.replace(pg_catalog.pg_get_indexdef(i.indexrelid),
                           ' ON ONLY ' || q.s || '.', ' ON ONLY '), ' ON ' || q.s || '.', ' ON ')
                  FROM pg_catalog.pg_index i
                  JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
                  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace,
                       LATERAL (SELECT pg_catalog.quote_ident(n.nspname) AS s) q
                 WHERE i.indrelid = ?
                   AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid
                                                                            AND k.conrelid = i.indrelid
                                                                            AND k.contype IN ('p', 'u', 'x'))
                 ORDER BY i.indexrelid""")) {
            p.setLong(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                }
            }
        }
        return indexes;
    }
}
