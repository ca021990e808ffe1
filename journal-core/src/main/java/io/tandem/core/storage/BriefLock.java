package io.tandem.core.storage;

import io.tandem.core.db.LockTimeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Runs a transaction that takes a lock writers wait for, so that they wait a moment at most: each try waits for the
 * lock no longer than {@code lockTimeout}, and gives way (rolls back, lets the queue behind it drain) when it could
 * not get it, then tries again.
 *
 * <p>Why: an {@code ACCESS EXCLUSIVE} request that waits for one long transaction makes every later writer queue
 * behind it, so a "brief" lock becomes as long as the longest transaction in flight. Timing out and retrying keeps
 * the writers' wait bounded by the timeout.
 */
public final class BriefLock {
    /** The body of one try, run in a transaction that already has its {@code lock_timeout} set. */
    public interface Body {
        void run(Connection c) throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(BriefLock.class);
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final Duration lockTimeout;
    private final int attempts;

    public BriefLock(Duration lockTimeout, int attempts) {
        this.lockTimeout = lockTimeout;
        this.attempts = attempts;
    }

    /**
     * Runs {@code body} in one transaction of {@code c} (which must be in autocommit mode, and is again after),
     * retrying while a lock times out.
     *
     * @param what what the transaction does, for the log and the error, e.g. "turning tandem.journal into ..."
     * @throws SQLException the body's error, or the last lock timeout, saying how to find the blocking session
     */
    public void run(Connection c, String what, Body body) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            c.setAutoCommit(false);
            try {
                LockTimeout.set(c, lockTimeout);
                body.run(c);
                c.commit();
                return;
            } catch (SQLException e) {
                c.rollback();
                if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    throw e;
                }
                if (attempt >= attempts) {
                    throw new SQLException(what + " could not get its lock in " + attempts + " tries of "
                            + lockTimeout.toMillis() + " ms: a long transaction holds tandem.journal (find it with"
                            + " SELECT pid, xact_start, query FROM pg_stat_activity WHERE xact_start < now() -"
                            + " interval '1 minute'), end it and try again. Nothing changed.", LOCK_NOT_AVAILABLE, e);
                }
                log.info("{}: lock not available within {} ms (try {} of {}), trying again", what,
                        lockTimeout.toMillis(), attempt, attempts);
                pause(attempt);
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(1_000, 50L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a lock", e);
        }
    }
}
