package io.tandem.orm.hibernate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Puts a version's plain view schema ({@code <app>_v<N>_plain}) first on a connection's search_path, once per
 * physical connection, ahead of the path the connection came with.
 *
 * <p>Why the search_path and not a schema in the SQL: the plain views are the physical SELECT and nothing else, so
 * reads of a transaction that has written nothing cost what the hand-written query costs. When a transaction
 * first writes, the views' trigger swaps the plain schema for {@code <app>_v<N>} (views with the own-writes
 * overlay) until the transaction ends ({@code set_config(..., true)}); the same unqualified SQL then sees the
 * transaction's own writes. That only works if Hibernate's SQL names the views without a schema.
 *
 * <p>Pooled connections outlive sessions and may be shared by the SessionFactories of several versions, so the
 * path each physical connection carries is remembered JVM-wide and set again only when another version's plain
 * schema is on it: a checkout costs a map lookup, not a round trip.
 */
final class SearchPath {
    /** Physical connection → what is on its search_path. Weak: a connection the pool closed is forgotten. */
    private static final Map<Connection, Applied> applied = Collections.synchronizedMap(new WeakHashMap<>());
    /** PostgreSQL's driver connection interface, to see through any pool's wrapper; null with another driver. */
    private static final Class<?> PG_CONNECTION = pgConnection();

    private record Applied(String schema, String original) {
    }

    private final String schema;

    /** {@code plainViewSchema}: a validated name, e.g. {@code shop_v2_plain}. */
    SearchPath(String plainViewSchema) {
        this.schema = plainViewSchema;
    }

    /**
     * Makes sure {@code c}'s search_path starts with this plain view schema. On a connection in autocommit mode the
     * setting is remembered for the physical connection. Otherwise it is set again at every checkout and never
     * committed here: the caller's transaction owns the connection (a session-level SET inside it is undone if that
     * transaction rolls back, so it cannot be remembered).
     */
    void apply(Connection c) throws SQLException {
        Connection physical = physical(c);
        Applied now = applied.get(physical);
        if (now != null && now.schema().equals(schema)) {
            return;
        }
        // the path the connection started with: remembered, or read now without any plain schema a previous
        // checkout put in front of it (a pool whose connections unwrap to a new object each time)
        String sql = "SELECT o, pg_catalog.set_config('search_path', ? || o, false) FROM (SELECT "
                + (now == null ? "pg_catalog.regexp_replace(pg_catalog.current_setting('search_path'),"
                        + " '^(\"[a-z_][a-z0-9_]*_plain\", )+', '')" : "CAST(? AS text)") + " AS o) s";
        String original;
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, "\"" + schema + "\", ");
            if (now != null) {
                s.setString(2, now.original());
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                original = rs.getString(1);
            }
        }
        if (c.getAutoCommit()) {
            applied.put(physical, new Applied(schema, original));
        }
    }

    /** The driver's own connection behind a pool's wrapper, when the wrapper says which it is. */
    private static Connection physical(Connection c) throws SQLException {
        Class<?> driverConnection = PG_CONNECTION;
        if (driverConnection != null && c.isWrapperFor(driverConnection)
                && c.unwrap(driverConnection) instanceof Connection driver) {
            return driver;
        }
        return c.isWrapperFor(Connection.class) ? c.unwrap(Connection.class) : c;
    }

    private static Class<?> pgConnection() {
        try {
            return Class.forName("org.postgresql.PGConnection");
        } catch (ClassNotFoundException e) {
            return null; // another driver: the JDBC unwrap below is the best there is
        }
    }
}
