package io.tandem.core.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * How long the statements of the caller's transaction may wait for a lock ({@code lock_timeout}) before they fail
 * with {@code 55P03}, set for that transaction only.
 *
 * <p>Why it matters: a statement queued behind a long-running transaction makes every later statement that wants a
 * conflicting lock queue behind it in turn; a bounded wait turns that into one failed attempt that can be retried.
 */
public final class LockTimeout {
    private LockTimeout() {
    }

    /** Sets the current transaction's {@code lock_timeout} to {@code wait} (at least 1 ms: 0 would mean forever). */
    public static void set(Connection c, Duration wait) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.set_config('lock_timeout', ?, true)")) {
            s.setString(1, Math.max(1, wait.toMillis()) + "ms");
            s.execute();
        }
    }
}
