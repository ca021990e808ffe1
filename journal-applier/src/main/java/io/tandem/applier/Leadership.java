package io.tandem.applier;

import io.tandem.core.db.LockView;
import io.tandem.core.db.TrackRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One leader per track (an app's live projection, or its release's) among any number of applier processes,
 * coordinated by the database itself: the leader holds the track's {@link LockView} on a dedicated connection, in a
 * transaction it keeps open. If its process dies, PostgreSQL ends the session and frees the lock, and a standby
 * waiting in the lock's queue ({@link #tryAcquire}) takes over at once. No app role can take the lock (an advisory lock, which every role may take,
 * would let an app login keep every applier standing by).
 *
 * <p>The lock alone cannot stop a leader that lost its connection without noticing from committing; the leader
 * epoch in {@link TrackRow} does.
 */
final class Leadership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Leadership.class);
    private final DataSource dataSource;
    private final String lock;
    private Connection connection;
    private boolean held;

    /** @param lock the lock's name, also the leader session's {@code application_name}, e.g. {@code tandem-applier:shop} */
    Leadership(DataSource dataSource, String lock) {
        this.dataSource = dataSource;
        this.lock = lock;
    }

    /**
     * Tries to take the lead, waiting for it at most {@code wait}; true if this process now leads. A leader that asks
     * again (a new run after a failure or a definitions change) keeps the lock it holds while its session lives.
     */
    boolean tryAcquire(java.time.Duration wait) throws SQLException {
        if (held) {
            if (stillHeld()) {
                return true;
            }
            close(); // the session died, and its lock with it: take the lead again on a new connection
        }
        if (connection == null) {
            connection = open();
        }
        held = LockView.lock(connection, lock, wait);
        return held;
    }

    /**
     * A connection for the lock: named after it, exempt from the timeouts that would end its open transaction (an
     * operator's {@code idle_in_transaction_session_timeout} would otherwise depose every leader), its lock view
     * created, then in a transaction.
     */
    private Connection open() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.set_config('application_name', ?, false),"
                    + " (SELECT pg_catalog.count(pg_catalog.set_config(name, '0', false)) FROM pg_catalog.pg_settings"
                    + "   WHERE name IN ('idle_in_transaction_session_timeout', 'transaction_timeout'))")) {
                s.setString(1, lock);
                s.execute();
            }
            LockView.ensure(c, lock);
            c.setAutoCommit(false);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Whether the lock's session is still alive (a cheap round trip). An empty statement, not {@code SELECT 1}: a
     * query in the lock's open transaction leaves a snapshot behind (the unnamed portal keeps it until the next one),
     * and a leader holding a snapshot for its whole life would hold back vacuum and every
     * {@code DETACH ... CONCURRENTLY} of journal maintenance.
     */
    boolean stillHeld() {
        try (Statement s = connection.createStatement()) {
            s.execute("");
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Gives the lead up. The lock's transaction is ended explicitly, because a pool may keep the session open; if
     * the session is already gone, so is the lock.
     */
    @Override
    public void close() {
        if (connection == null) {
            return;
        }
        held = false;
        try {
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            log.debug("Could not end the leader lock's transaction {} explicitly ({}); its session ends with it",
                    lock, e.getMessage());
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing the leader connection of {} failed: {}", lock, e.getMessage());
        }
        connection = null;
    }
}
