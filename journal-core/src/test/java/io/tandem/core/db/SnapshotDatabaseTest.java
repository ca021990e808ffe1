package io.tandem.core.db;

import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Snapshot#isVisible} agrees with PostgreSQL's {@code pg_visible_in_snapshot}. */
@PostgresTest
class SnapshotDatabaseTest {

    @Test
    void visibilityMatchesPostgres(TestDatabase db) throws Exception {
        String[] snapshots = {"733:740:734,736", "1:1:", "10:10:", "10:20:10,11,19"};
        long[] txids = {1, 5, 9, 10, 11, 12, 19, 20, 21, 733, 734, 735, 736, 739, 740, 741};
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT pg_visible_in_snapshot(?::text::xid8, ?::pg_snapshot)")) {
            for (String text : snapshots) {
                Snapshot snapshot = Snapshot.parse(text);
                for (long txid : txids) {
                    s.setLong(1, txid);
                    s.setString(2, text);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        assertEquals(rs.getBoolean(1), snapshot.isVisible(txid), text + " / " + txid);
                    }
                }
            }
        }
    }
}
