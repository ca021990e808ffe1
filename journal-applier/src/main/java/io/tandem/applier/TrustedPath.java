package io.tandem.applier;

import io.tandem.core.definitions.QualifiedName;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.definitions.WriteItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code search_path} the applier writes under: the applier's own, without any schema in which a role other
 * than the schema's owner (or a superuser) may create objects — and the table names that make that possible: each
 * write item's table qualified with the schema it resolves to on the applier's full path.
 *
 * <p>Why: the applier writes as the tables' owner, and the expressions of the definitions' write items
 * ({@code split_part(:full_name, ' ', 1)}) — like the triggers on the physical tables — are parsed again as they run.
 * PostgreSQL picks the best-matching function across every schema on the path, {@code pg_catalog} first only among
 * equally good matches; where an app role may create objects in a schema on the path (every role may in
 * {@code public} before PostgreSQL 15), it could plant a better match and have the applier run it with the owner's
 * rights. Left off the path, such a schema can add no candidate. Schemas only their owner can write stay on it, so
 * triggers that name their tables without a schema keep working where the schema is not writable by all; where it
 * is, the applier says so once, and such a trigger must name its tables with their schema (docs/applier.md).
 */
final class TrustedPath implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrustedPath.class);
    private static final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** The current path's schemas that only their owner, superusers and the current role may create objects in. */
    private static final String PATH = """
            SELECT pg_catalog.current_setting('search_path'),
                   pg_catalog.string_agg(pg_catalog.quote_ident(t.s), ', ' ORDER BY t.o) FILTER (WHERE t.trusted),
                   pg_catalog.string_agg(t.s, ', ' ORDER BY t.o) FILTER (WHERE NOT t.trusted)
              FROM (SELECT p.s, p.o, NOT EXISTS (
                               SELECT 1 FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
                                WHERE n.nspname = p.s AND a.privilege_type = 'CREATE' AND a.grantee <> n.nspowner
                                  AND a.grantee <> (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)
                                  AND NOT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid = a.grantee),
                                                   false)) AS trusted
                      FROM pg_catalog.unnest(pg_catalog.current_schemas(false)) WITH ORDINALITY AS p(s, o)
                     WHERE p.s <> 'pg_catalog') t""";

    private static final String RESOLVE = """
            SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.oid = pg_catalog.to_regclass(?)""";

    private final Connection connection;
    private final String previous;

    private TrustedPath(Connection connection, String previous) {
        this.connection = connection;
        this.previous = previous;
    }

    /**
     * Pins {@code c}'s search_path (for the session) to {@code pg_catalog}, its trusted schemas and {@code pg_temp},
     * until {@link #close}, which restores it.
     */
    static TrustedPath pin(Connection c) throws SQLException {
        c.setAutoCommit(true); // a session setting made in a transaction that rolls back would be undone with it
        String previous;
        String trusted;
        String untrusted;
        try (PreparedStatement s = c.prepareStatement(PATH); ResultSet rs = s.executeQuery()) {
            rs.next();
            previous = rs.getString(1);
            trusted = rs.getString(2);
            untrusted = rs.getString(3);
        }
        if (untrusted != null && warned.add(untrusted)) {
            log.warn("The applier leaves schema(s) {} off its search_path: roles other than their owner may create"
                    + " objects there, which the applier would run with the tables' owner's rights. Triggers on the"
                    + " physical tables must name what they use there with its schema; or keep other roles from"
                    + " creating objects (REVOKE CREATE ON SCHEMA ... FROM PUBLIC).", untrusted);
        }
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.set_config('search_path', ?, false)")) {
            s.setString(1, "pg_catalog" + (trusted == null ? "" : ", " + trusted) + ", pg_temp");
            s.execute();
        }
        return new TrustedPath(c, previous);
    }

    /**
     * {@code versions} with every write item's unqualified table qualified with the schema {@code c}'s search_path
     * resolves it to; a table that does not exist is left as written (its statement fails, naming it).
     */
    static List<VersionDefinition> qualify(Connection c, List<VersionDefinition> versions) throws SQLException {
        Map<String, String> schemas = new HashMap<>();
        for (VersionDefinition v : versions) {
            for (var entity : v.entities().values()) {
                for (WriteItem w : entity.writes()) {
                    QualifiedName table = w.tableName();
                    if (table.schema() == null && !schemas.containsKey(table.name().name())) {
                        schemas.put(table.name().name(), schemaOf(c, table));
                    }
                }
            }
        }
        return versions.stream().map(v -> v.withWrites(w -> {
            String schema = w.tableName().schema() == null ? schemas.get(w.tableName().name().name()) : null;
            return schema == null ? w : new WriteItem(schema + "." + w.tableName().name().name(), w.key(), w.set());
        })).toList();
    }

    private static String schemaOf(Connection c, QualifiedName table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(RESOLVE)) {
            s.setString(1, table.quoted());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Restores the search_path the connection had before {@link #pin}; a broken connection is left to its pool. */
    @Override
    public void close() throws SQLException {
        if (connection.isClosed()) {
            return;
        }
        if (!connection.getAutoCommit()) {
            connection.rollback();
            connection.setAutoCommit(true);
        }
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT pg_catalog.set_config('search_path', ?, false)")) {
            s.setString(1, previous);
            s.execute();
        }
    }
}
