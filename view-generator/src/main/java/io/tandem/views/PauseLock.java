package io.tandem.views;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Holds an app's applier at a batch boundary for the rest of the caller's transaction, through the database.
 *
 * <p>Every apply transaction of the applier begins by locking the app's {@code tandem.applier_state} row. Taking
 * that lock here waits for the slice in flight to commit (the applier's acknowledgement), and then the applier
 * cannot start another until this transaction ends: it resumes on its own after the commit (on the new
 * definitions, whose generation the release bumps) or after a rollback (on the old ones). When no applier runs
 * the lock is simply free. Writers never touch the row, so they never wait for it.
 *
 * <p>The transaction's {@code lock_timeout} is set first, so neither this lock nor the migration's DDL can queue
 * behind a long-running transaction (and make everyone else queue behind the migration) for longer than it.
 */
final class PauseLock {
    private PauseLock() {
    }

    /** Makes sure the app's state row exists (outside any transaction), so there is a row to lock. */
    static void prepare(Connection c, String app) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO tandem.applier_state (app) VALUES (?) ON CONFLICT (app) DO NOTHING")) {
            s.setString(1, app);
            s.executeUpdate();
        }
    }

    /**
     * Records, on a connection the caller keeps open for the whole release, that a release is holding the app's
     * applier: {@code tandem status} reports the applier {@code paused} while this session lives.
     */
    static void announce(Connection c, String app) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET application_name = " + literal(io.tandem.core.LockNames.migrate(app)));
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE tandem.applier_state SET pause_requested_by ="
                + " 'tandem migrate (backend ' || pg_backend_pid() || ')', pause_requested_at = now() WHERE app = ?")) {
            s.setString(1, app);
            s.executeUpdate();
        }
    }

    /** Clears what {@link #announce} recorded, noting when the applier was let go. */
    static void withdraw(Connection c, String app) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE tandem.applier_state SET pause_requested_by = NULL,"
                + " pause_requested_at = NULL, paused_at = now() WHERE app = ?")) {
            s.setString(1, app);
            s.executeUpdate();
        }
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    static void hold(Connection c, String app, Duration lockTimeout) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
        }
        try (PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM tandem.applier_state WHERE app = ? FOR UPDATE")) {
            s.setString(1, app);
            s.executeQuery().close();
        }
    }
}
