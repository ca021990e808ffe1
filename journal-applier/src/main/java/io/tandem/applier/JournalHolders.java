package io.tandem.applier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The longest transaction that has {@code tandem.journal} open: a {@code DETACH ... CONCURRENTLY} waits for it to
 * end. Journal maintenance asks first, and rather than wait behind a transaction that has been open for a while
 * (an idle session in a transaction, a long report), it says so and tries again at its next pass.
 */
final class JournalHolders {
    private JournalHolders() {
    }

    /** The oldest transaction other than {@code c}'s holding a lock on the journal for longer than {@code over}, or null. */
    static String longerThan(Connection c, Duration over) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT a.pid, a.xact_start, a.state FROM pg_catalog.pg_locks l
                  JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
                 WHERE l.locktype = 'relation' AND l.relation = 'tandem.journal'::pg_catalog.regclass
                   AND l.pid <> pg_catalog.pg_backend_pid()
                   AND a.xact_start < pg_catalog.clock_timestamp() - ?::text::interval
                 ORDER BY a.xact_start LIMIT 1""")) {
            s.setString(1, over.toMillis() + " milliseconds");
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? "a transaction open since " + rs.getTimestamp(2).toInstant() + " (pid " + rs.getInt(1)
                        + ", " + rs.getString(3) + ") holds tandem.journal" : null;
            }
        }
    }
}
