package io.tandem.views;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * An entity's physical SELECT as PostgreSQL compiled it, found by creating it as a temporary view inside a savepoint
 * that is rolled back: the exact types of its columns, and its text with every name PostgreSQL resolved qualified.
 *
 * <p>Why the column types (with typmods, as {@code format_type} spells them, e.g. {@code numeric(12,2)}): a version
 * has two views per entity, the plain one and the one with the own-writes overlay, and a transaction's prepared
 * statements move from one to the other when it first writes. PostgreSQL refuses to reuse a prepared statement
 * whose result type changed ("cached plan must not change result type"), typmods included, so the overlay's decoded
 * columns are cast to exactly these types and both views return identical row types.
 *
 * <p>Why the qualified text: the own-writes function ({@link OwnStateFunction}) runs the SELECT with its owner's
 * rights and parses it again whenever it runs, so it must resolve exactly what the views resolved, through no schema
 * a caller could create objects in. Deparsed ({@code pg_get_viewdef}) with only {@code pg_catalog} on the
 * search_path, every table, function and operator outside {@code pg_catalog} comes out with its schema, and the
 * function runs it with {@code search_path = pg_catalog, pg_temp}.
 *
 * @param columnTypes the types of the SELECT's columns, in order
 * @param qualified   the SELECT as PostgreSQL deparses it with only pg_catalog on the search_path
 */
record CompiledSelect(List<String> columnTypes, String qualified) {
    private static final String TEMP_VIEW = "pg_temp.tandem_view_columns";

    /** Compiles {@code physicalSelect}; needs the physical tables it reads to exist. */
    static CompiledSelect of(Connection c, String physicalSelect) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (autoCommit) {
            c.setAutoCommit(false);
        }
        try {
            Probe.Outcome<CompiledSelect> outcome = new Probe(c).run(conn -> {
                try (var s = conn.createStatement()) {
                    s.execute("CREATE TEMP VIEW " + TEMP_VIEW + " AS " + physicalSelect);
                }
                return new CompiledSelect(types(conn), qualified(conn));
            });
            if (outcome.failed()) {
                throw new SQLException("Tandem could not compile a view's SELECT (run `tandem views check`): "
                        + outcome.error() + "\n" + physicalSelect, outcome.sqlState());
            }
            return outcome.value();
        } finally {
            if (autoCommit) {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    /** Deparsed under a search_path of pg_catalog alone (set for the probe's savepoint, undone with it). */
    private static String qualified(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.set_config('search_path', 'pg_catalog', true),"
                + " pg_catalog.pg_get_viewdef('" + TEMP_VIEW + "'::pg_catalog.regclass)");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            String sql = rs.getString(2).strip();
            return sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql;
        }
    }

    private static List<String> types(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.format_type(a.atttypid, a.atttypmod)"
                + " FROM pg_catalog.pg_attribute a WHERE a.attrelid = '" + TEMP_VIEW + "'::pg_catalog.regclass"
                + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
             ResultSet rs = s.executeQuery()) {
            List<String> types = new ArrayList<>();
            while (rs.next()) {
                types.add(rs.getString(1));
            }
            return types;
        }
    }
}
