package io.tandem.applier;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which of the projection's physical tables a foreign key ties together, in either direction (a table that
 * references itself is tied to itself), read from the catalog when the definitions are loaded. Rows of tied tables
 * keep their journal order when {@link ApplyOrder} regroups a slice: a customer is inserted before the order that
 * references it and deleted after it.
 */
final class TableLinks {
    private final Map<String, Set<String>> linked;

    private TableLinks(Map<String, Set<String>> linked) {
        this.linked = linked;
    }

    /** No table tied to any other: for tests of the ordering alone. */
    static TableLinks none() {
        return new TableLinks(Map.of());
    }

    /** The foreign keys among {@code tables} (quoted names as the projection's SQL spells them). */
    static TableLinks load(Connection c, Collection<String> tables) throws SQLException {
        Map<Long, String> byOid = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.to_regclass(?)::oid::bigint")) {
            for (String table : new HashSet<>(tables)) {
                s.setString(1, table);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && rs.getObject(1) != null) {
                        byOid.put(rs.getLong(1), table);
                    }
                }
            }
        }
        Map<String, Set<String>> linked = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT conrelid::bigint, confrelid::bigint"
                + " FROM pg_catalog.pg_constraint WHERE contype = 'f' AND conrelid = ANY (?) AND confrelid = ANY (?)")) {
            Array oids = c.createArrayOf("bigint", byOid.keySet().toArray());
            s.setArray(1, oids);
            s.setArray(2, oids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String from = byOid.get(rs.getLong(1));
                    String to = byOid.get(rs.getLong(2));
                    linked.computeIfAbsent(from, k -> new HashSet<>()).add(to);
                    linked.computeIfAbsent(to, k -> new HashSet<>()).add(from);
                }
            }
        }
        return new TableLinks(linked);
    }

    /** The tables tied to {@code table} by a foreign key (itself included if it references itself). */
    Set<String> of(String table) {
        return linked.getOrDefault(table, Set.of());
    }
}
