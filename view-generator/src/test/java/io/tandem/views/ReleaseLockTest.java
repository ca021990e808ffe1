package io.tandem.views;

import io.tandem.core.TandemException;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release lock's connection sits idle while a release works on others, for as long as its copy and catch-up
 * take; a server that ends idle sessions must not end it, or a second migrate could start beside the first.
 */
@PostgresTest
class ReleaseLockTest {
    @Test
    void theLockOutlivesTheServersIdleSessionTimeout(TestDatabase db) throws Exception {
        try (Connection holder = db.connect(); Connection control = db.connect()) {
            for (Connection c : new Connection[]{holder, control}) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET idle_session_timeout = '200ms'");
                }
            }
            int controlPid = pid(control);
            ReleaseLock.take(holder, "idle", "A release of app 'idle' runs");
            Await.until("the server ended the idle control session, as it would the lock's", () -> gone(db, controlPid));

            try (Connection other = db.connect()) {
                TandemException busy = assertThrows(TandemException.class,
                        () -> ReleaseLock.take(other, "idle", "A release of app 'idle' runs"));
                String says = busy.getMessage();
                assertTrue(says.startsWith("A release of app 'idle' runs (held by session " + pid(holder) + " ")
                        && says.contains(", connected since ") && says.endsWith("Nothing changed."), says);
            }
            ReleaseLock.release(holder, "idle"); // the holder's session lived: this would throw on a closed one
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean gone(TestDatabase db, int pid) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
            s.setInt(1, pid);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 0;
            }
        }
    }
}
