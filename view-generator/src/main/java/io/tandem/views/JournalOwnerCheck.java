package io.tandem.views;

import io.tandem.core.definitions.VersionDefinition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Refuses to generate views unless the generating role has the rights of {@code tandem.journal}'s owner (it is the
 * owner, inherits the owner's rights, or is a superuser).
 *
 * <p>Why: each entity's own-state function ({@link OwnStateFunction}) reads the current transaction's journal rows
 * with the rights of the role that generated it. A role without them would not fail at generation: its functions
 * would be refused SELECT on the journal at the first read after a write or, given SELECT, see none of the rows
 * through the journal's row-level security, and a transaction would silently stop seeing its own writes.
 */
final class JournalOwnerCheck {
    private static final String RIGHTS = """
            SELECT pg_catalog.pg_get_userbyid(c.relowner) AS owner, current_user AS generator,
                   pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE')
                       OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) AS allowed
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'tandem' AND c.relname = 'journal'""";

    /** The same check in a generated script, run by whoever runs the script ({@link #statement}). */
    private static final String IN_SCRIPT = """
            DO $tandem$
            DECLARE
                v_owner pg_catalog.text;
                v_allowed boolean;
            BEGIN
                SELECT r.owner, r.allowed INTO v_owner, v_allowed
                  FROM (${rights}) r;
                IF NOT v_allowed THEN -- null without a journal: passes, as in verify
                    RAISE EXCEPTION 'role % runs the views script of ${appName} version ${version} but does not have the rights of %, the owner of tandem.journal: run it as %', current_user, v_owner, v_owner USING ERRCODE = 'insufficient_privilege';
                END IF;
            END
            $tandem$""";

    private JournalOwnerCheck() {
    }

    /** The check as a statement that opens a views script: it raises an error for a role without the rights. */
    static String statement(VersionDefinition v) {
        return SqlTemplate.fill(IN_SCRIPT, Map.of("rights", RIGHTS, "appName", v.app(),
                "version", Integer.toString(v.version())));
    }

    /**
     * Passes where Tandem's schema is not installed yet.
     *
     * @throws MigrationRefusedException naming the journal's owner, the generating role and what to do
     */
    static void verify(Connection c, VersionDefinition v) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(RIGHTS); ResultSet rs = s.executeQuery()) {
            if (rs.next() && !rs.getBoolean("allowed")) {
                throw new MigrationRefusedException(v.app(), List.of("role " + rs.getString("generator")
                        + " generates the views of " + v.app() + " version " + v.version() + " but does not have the"
                        + " rights of " + rs.getString("owner") + ", the owner of tandem.journal: the views' own-state"
                        + " functions read each transaction's own journal rows with the generating role's rights."
                        + " Release as " + rs.getString("owner") + " (the login that installed Tandem), or GRANT "
                        + rs.getString("owner") + " TO " + rs.getString("generator") + "."));
            }
        }
    }
}
