package io.tandem.core.db;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A lock that only Tandem's own role can take: an empty view in the {@code tandem} schema ({@code SELECT} of no
 * columns), one per {@link LockNames name}, locked in {@code SHARE UPDATE EXCLUSIVE} mode by a session that keeps its
 * transaction open for as long as it holds the lock. PostgreSQL frees it the moment that session ends.
 *
 * <p>Why not an advisory lock: {@code pg_advisory_lock} is callable by every role, so an app login could take an
 * applier's leader lock and keep every applier standing by. {@code LOCK TABLE} in this mode needs {@code UPDATE},
 * {@code DELETE} or {@code TRUNCATE} on the relation, which no role but its owner has. Why a view and not a table:
 * the mode conflicts with itself (one holder) but also with {@code VACUUM} and {@code ANALYZE}, and a database-wide
 * {@code VACUUM} would wait for a locked table for as long as the leader lives; they never process a view. Neither
 * the mode nor a view blocks the {@code ACCESS SHARE} that {@code pg_dump} takes. A transaction that only holds the
 * lock has no transaction id and no snapshot between statements, so it holds back neither vacuum nor the applier's
 * snapshots.
 */
public final class LockView {
    private static final int MAX_NAME_BYTES = 63;

    private LockView() {
    }

    /** The lock view of {@code name}, quoted and qualified, e.g. {@code tandem."tandem-applier:shop"}. */
    public static String of(String name) {
        String table = name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES ? name
                : name.substring(0, 40) + "#" + sha256(name).substring(0, 16);
        return "tandem.\"" + table.replace("\"", "\"\"") + "\"";
    }

    /**
     * Creates the lock view of {@code name} if it does not exist, with no privilege for any other role. Commits:
     * {@code c} must be in autocommit mode. Safe to race: a process that loses the race finds the view there.
     */
    public static void ensure(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
            s.setString(1, of(name));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE VIEW " + of(name) + " AS SELECT");
            s.execute("REVOKE ALL ON " + of(name) + " FROM PUBLIC");
        } catch (SQLException e) {
            // two processes creating it at once: the loser's catalog insert collides; the view is there now
            if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
                throw new SQLException("Tandem could not create its lock view " + of(name) + ": " + e.getMessage()
                        + ". The applier's role needs CREATE on schema tandem (it installs the schema).",
                        e.getSQLState(), e);
            }
        }
    }

    /**
     * Locks {@code name} in {@code c}'s transaction (which must not be in autocommit mode), waiting for it at most
     * {@code wait}; true if {@code c} now holds it, until that transaction ends. On false the transaction is rolled
     * back. Waiting in the lock's queue rather than polling is what lets a standby take over the moment a leader's
     * session ends.
     */
    public static boolean lock(Connection c, String name, java.time.Duration wait) throws SQLException {
        try (Statement s = c.createStatement()) {
            LockTimeout.set(c, wait);
            s.execute("LOCK TABLE " + of(name) + " IN SHARE UPDATE EXCLUSIVE MODE");
            return true;
        } catch (SQLException e) {
            c.rollback();
            if ("55P03".equals(e.getSQLState())) { // lock_not_available
                return false;
            }
            throw e;
        }
    }

    /** Whether any session holds the lock of {@code name} right now. */
    public static boolean held(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_locks l"
                + " WHERE l.locktype = 'relation' AND l.granted AND l.mode = 'ShareUpdateExclusiveLock'"
                + " AND l.relation = pg_catalog.to_regclass(?))")) {
            s.setString(1, of(name));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
