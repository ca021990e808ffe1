package io.tandem.views;

import io.tandem.core.TandemException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * One {@code tandem migrate}, {@code tandem release revert} or {@code tandem retire} per app at a time: a session
 * advisory lock held for the whole command, so a second one fails at once with a clear message instead of racing
 * the first (a switch or revert recreates every live version's views, so a retirement between would be undone, or
 * deadlock with it); a killed one's lock ends with its session.
 */
final class ReleaseLock {
    private static final String KEEP_IDLE = "SELECT pg_catalog.set_config('idle_session_timeout', '0', false)"
            + " WHERE pg_catalog.current_setting('server_version_num')::int >= 140000";

    /** A bigint advisory lock shows in pg_locks as its high and low 32 bits, objsubid 1. */
    private static final String HOLDER = """
            SELECT l.pid, a.application_name, pg_catalog.to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ')
              FROM pg_catalog.pg_locks l
              LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid,
                   (SELECT pg_catalog.hashtextextended(?, 0) AS k) h
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
               AND l.classid::pg_catalog.int8 = (h.k >> 32) & 4294967295
               AND l.objid::pg_catalog.int8 = h.k & 4294967295""";

    private ReleaseLock() {
    }

    static void take(Connection c, String app) throws SQLException {
        take(c, app, "Another tandem migrate, release revert or retire of app '" + app + "' is running; wait for it");
    }

    /**
     * Takes the lock, or throws {@code busy} (what to do) followed by where to see the release's progress. The
     * connection then sits idle while the command works on others, for as long as a copy and catch-up take: it is
     * exempted from the server's {@code idle_session_timeout} (PostgreSQL 14 and later), which would end the session
     * and the lock with it, and let a second command start beside the first.
     */
    static void take(Connection c, String app, String busy) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(KEEP_IDLE)) {
            s.execute();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
            s.setString(1, io.tandem.core.db.LockNames.migrate(app));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    String held = holder(c, app).map(Holder::toString).orElse("its session has just ended");
                    throw new TandemException(busy + " (" + held + "; tandem release status --app " + app
                            + " shows a release's progress). Nothing changed.");
                }
            }
        }
    }

    /**
     * Takes the lock on a connection of its own, for a command that works on others meanwhile (a revert); the
     * connection is closed if the lock is not taken.
     */
    static Connection hold(DataSource dataSource, String app, String busy) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            take(c, app, busy);
            return c;
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The session that holds an app's lock, as far as the asking login may see it. */
    record Holder(int pid, String application, String connectedSince) {
        /** Which session to wait for, or to end if it is left over. */
        @Override
        public String toString() {
            return "held by session " + pid + (application == null || application.isEmpty() ? "" : " '" + application
                    + "'") + (connectedSince == null ? "" : ", connected since " + connectedSince);
        }
    }

    /** The session holding {@code app}'s lock; empty when none does. */
    static Optional<Holder> holder(Connection c, String app) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(HOLDER)) {
            s.setString(1, io.tandem.core.db.LockNames.migrate(app));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Holder(rs.getInt(1), rs.getString(2), rs.getString(3)))
                        : Optional.empty();
            }
        }
    }

    /**
     * Lets the lock go after a command that worked on other connections meanwhile. Failing to means the lock's
     * connection is gone, and the lock ended with its session: reported, not thrown, so that it never stands in for
     * what the command did or why it failed.
     */
    static void letGo(Connection c, String app, MigrationProgress progress) {
        try {
            release(c, app);
        } catch (SQLException e) {
            progress.step("The release lock of app " + app + " ended with its connection (" + e.getMessage() + ")");
        }
    }

    static void release(Connection c, String app) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 0))")) {
            s.setString(1, io.tandem.core.db.LockNames.migrate(app));
            s.execute();
        }
    }
}
