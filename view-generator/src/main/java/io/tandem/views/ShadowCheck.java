package io.tandem.views;

import io.tandem.core.definitions.VersionDefinition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses to generate views while a function or operator that the generating role does not trust sits in a schema
 * on its {@code search_path}.
 *
 * <p>Why: a view's names are resolved once, when it is created, and PostgreSQL picks the best-matching function
 * across every schema on the path — {@code pg_catalog} first only among equally good matches. Where any role may
 * create objects in a schema on the path (every role in {@code public} before PostgreSQL 15), an app login can plant
 * {@code public.concat_ws(text, text, text)}; a view created then would call it instead of the built-in, from every
 * reader and from the own-writes function that reads as the views' owner. So the views are only generated while
 * every function and operator on the path is owned by a superuser, the generating role, the schema's owner or the
 * database's owner.
 */
final class ShadowCheck {
    private static final String UNTRUSTED = """
            SELECT u.kind, n.nspname || '.' || u.signature AS signature, r.rolname AS owner, n.nspname AS schema
              FROM (SELECT 'function' AS kind, p.proowner AS owner_oid, p.pronamespace AS schema_oid,
                           p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')' AS signature
                      FROM pg_catalog.pg_proc p
                    UNION ALL
                    SELECT 'operator', o.oprowner, o.oprnamespace,
                           o.oprname || '(' || pg_catalog.format_type(o.oprleft, NULL) || ', '
                               || pg_catalog.format_type(o.oprright, NULL) || ')'
                      FROM pg_catalog.pg_operator o) u
              JOIN pg_catalog.pg_roles r ON r.oid = u.owner_oid
              JOIN pg_catalog.pg_namespace n ON n.oid = u.schema_oid
             WHERE n.nspname = ANY (pg_catalog.current_schemas(false))
               AND n.nspname <> 'pg_catalog'
               AND NOT r.rolsuper
               AND r.rolname <> current_user
               AND r.oid <> n.nspowner
               AND r.oid <> (SELECT d.datdba FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
             ORDER BY 2
             LIMIT 10""";

    private ShadowCheck() {
    }

    /**
     * @throws MigrationRefusedException naming each untrusted function or operator, its owner and what to do
     */
    static void verify(Connection c, VersionDefinition v) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(UNTRUSTED); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                problems.add(rs.getString("kind") + " " + rs.getString("signature") + " is owned by role "
                        + rs.getString("owner") + " (not a superuser, " + currentUser(c)
                        + ", the schema's or the database's owner), in schema " + rs.getString("schema") + " on the search_path: the views of "
                        + v.app() + " version " + v.version() + " could bind to it instead of a built-in and run it"
                        + " for their owner. Drop it (or move it off the search_path), and keep app roles from creating"
                        + " objects there (REVOKE CREATE ON SCHEMA " + rs.getString("schema") + " FROM PUBLIC).");
            }
        }
        if (!problems.isEmpty()) {
            throw new MigrationRefusedException(v.app(), problems);
        }
    }

    private static String currentUser(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT current_user"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
