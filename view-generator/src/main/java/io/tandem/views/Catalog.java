package io.tandem.views;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Read-only catalog look-ups about physical tables, for {@link Lint}. None of them can fail on a bad name. */
final class Catalog {
    private final Connection c;

    Catalog(Connection c) {
        this.c = c;
    }

    /** The oid of the ordinary or partitioned table {@code quotedName} resolves to, or null. */
    Long table(String quotedName) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT c.oid FROM pg_catalog.pg_class c"
                + " WHERE c.oid = pg_catalog.to_regclass(?) AND c.relkind IN ('r', 'p')")) {
            s.setString(1, quotedName);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** The table's columns, in order. */
    Set<String> columns(long table) throws SQLException {
        return names("SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = ? AND attnum > 0"
                + " AND NOT attisdropped ORDER BY attnum", table);
    }

    /** Columns that are NOT NULL without a default, and neither identity nor generated: an insert must fill them. */
    Set<String> mustFill(long table) throws SQLException {
        return names("SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = ? AND attnum > 0"
                + " AND NOT attisdropped AND attnotnull AND NOT atthasdef AND attidentity = '' AND attgenerated = ''"
                + " ORDER BY attnum", table);
    }

    /** The column sets of the table's valid, non-partial, plain-column unique indexes; primary key first. */
    List<Set<String>> uniqueKeys(long table) throws SQLException {
        List<Set<String>> keys = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT pg_catalog.array_agg(a.attname::text ORDER BY k.ord)
                  FROM pg_catalog.pg_index i
                 CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                 WHERE i.indrelid = ? AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
                   AND i.indexprs IS NULL AND k.ord <= i.indnkeyatts
                 GROUP BY i.indexrelid, i.indisprimary
                 ORDER BY i.indisprimary DESC, i.indexrelid""")) {
            s.setLong(1, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.add(new LinkedHashSet<>(Arrays.asList((String[]) rs.getArray(1).getArray())));
                }
            }
        }
        return keys;
    }

    private Set<String> names(String sql, long table) throws SQLException {
        Set<String> names = new LinkedHashSet<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
