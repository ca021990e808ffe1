package io.tandem.views;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact column types (with typmods, as {@code format_type} spells them, e.g. {@code numeric(12,2)}) of an
 * entity's physical SELECT, found by creating it as a temporary view inside a savepoint that is rolled back.
 *
 * <p>Why: a version has two views per entity, the plain one and the one with the own-writes overlay, and a
 * transaction's prepared statements move from one to the other when it first writes. PostgreSQL refuses to reuse
 * a prepared statement whose result type changed ("cached plan must not change result type"), typmods included, so
 * the overlay's decoded columns are cast to exactly these types and both views return identical row types.
 */
final class ColumnTypes {
    private static final String TEMP_VIEW = "pg_temp.tandem_view_columns";

    private ColumnTypes() {
    }

    /** The types of {@code physicalSelect}'s columns, in order; needs the physical tables it reads to exist. */
    static List<String> of(Connection c, String physicalSelect) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (autoCommit) {
            c.setAutoCommit(false);
        }
        try {
            Probe.Outcome<List<String>> outcome = new Probe(c).run(conn -> {
                try (var s = conn.createStatement()) {
                    s.execute("CREATE TEMP VIEW " + TEMP_VIEW + " AS " + physicalSelect);
                }
                return read(conn);
            });
            if (outcome.failed()) {
                throw new SQLException("Tandem could not compile a view's SELECT (run `tandem views check`): "
                        + outcome.error() + "\n" + physicalSelect);
            }
            return outcome.value();
        } finally {
            if (autoCommit) {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    private static List<String> read(Connection c) throws SQLException {
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
