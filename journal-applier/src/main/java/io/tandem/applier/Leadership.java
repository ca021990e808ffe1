package io.tandem.applier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One leader per track (an app's live projection, or its release's) among any number of applier processes,
 * coordinated by the database itself: the leader holds a session advisory lock on a dedicated connection. If its process dies, PostgreSQL ends the session and frees
 * the lock, and a standby polling {@link #tryAcquire} takes over.
 *
 * <p>The lock alone cannot stop a leader that lost its connection without noticing from committing; the leader
 * epoch in {@link StateTable} does.
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
     * Tries once to take the lead; true if this process now leads.
     *
     * <p>A session advisory lock is re-entrant: taking it again on the same session stacks it, and one unlock then
     * no longer frees it. So a leader that asks again (a new run after a failure or a definitions change) keeps the
     * lock it holds instead of stacking another, or {@link #close} would leave it held on a pooled session and no
     * standby could ever take over.
     */
    boolean tryAcquire() throws SQLException {
        if (held) {
            if (stillHeld()) {
                return true;
            }
            close(); // the session died, and its lock with it: take the lead again on a new connection
        }
        if (connection == null) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            try (Statement s = connection.createStatement()) {
                s.execute("SET application_name = '" + lock.replace("'", "") + "'");
            }
        }
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
            s.setString(1, lock);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                held = rs.getBoolean(1);
                return held;
            }
        }
    }

    /** Whether the lock's session is still alive (a cheap round trip). */
    boolean stillHeld() {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Gives the lead up. The lock is released explicitly, because a pool may keep the session open; if the session
     * is already gone, so is the lock.
     */
    @Override
    public void close() {
        if (connection == null) {
            return;
        }
        held = false;
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT pg_advisory_unlock(hashtextextended(?, 0))")) {
            s.setString(1, lock);
            s.execute();
        } catch (SQLException e) {
            log.debug("Could not release the leader lock {} explicitly ({}); its session ends with it",
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
