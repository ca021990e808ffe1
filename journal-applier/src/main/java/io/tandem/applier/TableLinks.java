package io.tandem.applier;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the catalog says about the projection's physical tables that the order of their rows may depend on, read when
 * the definitions are loaded ({@link ApplyOrder} keeps journal order wherever it says so):
 * <ul>
 *   <li>which tables a chain of foreign keys ties together, in either direction and through tables the projection
 *       does not write (an {@code ON DELETE CASCADE} of a table in between still reaches them): a customer is
 *       inserted before the order that references it and deleted after it;</li>
 *   <li>which tables have triggers of their own, whose side effects may depend on the order of the rows: their rows
 *       keep journal order among themselves.</li>
 * </ul>
 */
final class TableLinks {
    private final Map<String, Set<String>> linked;
    private final Set<String> ordered;

    private TableLinks(Map<String, Set<String>> linked, Set<String> ordered) {
        this.linked = linked;
        this.ordered = ordered;
    }

    /** No table tied to any other, none with triggers: for tests of the ordering alone. */
    static TableLinks none() {
        return new TableLinks(Map.of(), Set.of());
    }

    /** The ties among {@code tables} (quoted names as the projection's SQL spells them). */
    static TableLinks load(Connection c, Collection<String> tables) throws SQLException {
        Map<Long, String> byOid = oids(c, tables);
        Map<Long, Set<Long>> keys = foreignKeys(c);
        Map<String, Set<String>> linked = new HashMap<>();
        for (Map.Entry<Long, String> table : byOid.entrySet()) {
            for (Long reached : reachable(table.getKey(), keys)) {
                String other = byOid.get(reached);
                if (other != null && (!reached.equals(table.getKey()) || keys.getOrDefault(reached, Set.of())
                        .contains(reached))) {
                    linked.computeIfAbsent(table.getValue(), k -> new HashSet<>()).add(other);
                }
            }
        }
        return new TableLinks(linked, withTriggers(c, byOid));
    }

    /** The tables tied to {@code table} by a chain of foreign keys (itself included if it references itself). */
    Set<String> of(String table) {
        return linked.getOrDefault(table, Set.of());
    }

    /** Whether {@code table} has triggers of its own, so its rows keep journal order among themselves. */
    boolean ordered(String table) {
        return ordered.contains(table);
    }

    private static Map<Long, String> oids(Connection c, Collection<String> tables) throws SQLException {
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
        return byOid;
    }

    /** Every foreign key of the database as an undirected graph of table oids (a self-reference is a loop). */
    private static Map<Long, Set<Long>> foreignKeys(Connection c) throws SQLException {
        Map<Long, Set<Long>> keys = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT conrelid::bigint, confrelid::bigint"
                + " FROM pg_catalog.pg_constraint WHERE contype = 'f'");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                keys.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getLong(2));
                keys.computeIfAbsent(rs.getLong(2), k -> new HashSet<>()).add(rs.getLong(1));
            }
        }
        return keys;
    }

    private static Set<Long> reachable(Long from, Map<Long, Set<Long>> keys) {
        Set<Long> seen = new HashSet<>();
        Deque<Long> todo = new ArrayDeque<>(keys.getOrDefault(from, Set.of()));
        while (!todo.isEmpty()) {
            Long next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(keys.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }

    private static Set<String> withTriggers(Connection c, Map<Long, String> byOid) throws SQLException {
        Set<String> ordered = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT tgrelid::bigint FROM pg_catalog.pg_trigger"
                + " WHERE NOT tgisinternal AND tgrelid = ANY (?)")) {
            Array oids = c.createArrayOf("bigint", byOid.keySet().toArray());
            s.setArray(1, oids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ordered.add(byOid.get(rs.getLong(1)));
                }
            }
        }
        return ordered;
    }
}
