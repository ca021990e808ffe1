package io.tandem.applier;

import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backlog of wide rows — 48 transactions of one row with 4 MB of incompressible text each, 192 MB in all, more than
 * the heap — drained by an applier process with a 128 MB heap and its default slice of 1000 rows (so all 48 fall
 * in one run the reader fetches). The applier bounds what it holds in
 * bytes (wide rows read one at a time, slices cut by bytes, a read-ahead budget), so it applies them all instead of
 * running out of memory over and over with nothing applied.
 */
@PostgresTest
class WideRowsTest {
    private static final int ROWS = 48;
    private static final int WIDTH = 4 << 20;

    @Test
    void aBacklogOfWideRowsDrainsUnderASmallHeap(TestDatabase db) throws Exception {
        JournalWriter writer = new JournalWriter(List.of(AcctFixture.install(db)));
        Random random = new Random(20261201L);
        for (long id = 1; id <= ROWS; id++) {
            byte[] noise = new byte[WIDTH * 3 / 4];
            random.nextBytes(noise);
            String token = Base64.getEncoder().encodeToString(noise);
            try (Connection c = db.connect()) {
                writer.append(c, List.of(JournalEntry.insert("acct", 1, "item", Map.of("id", id),
                        Map.of("id", id, "val", id, "token", token))));
            }
        }
        Path log = ApplierProcess.logFile("wide-rows-test");
        Files.deleteIfExists(log);
        Process applier = ApplierProcess.launch(db, "acct", 1000, log);
        try {
            ApplierProcess.awaitStarted(applier, log, applier.pid());
            Await.until("every wide row is applied (see " + log + ")", () -> {
                String output = Files.readString(log);
                if (output.contains("OutOfMemoryError") || !applier.isAlive()) {
                    throw new AssertionError("the applier ran out of memory or died:\n" + tail(output));
                }
                return applied(db) == ROWS;
            });
            assertTrue(applier.isAlive());
        } finally {
            ApplierProcess.kill(applier);
        }
    }

    private static long applied(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM item WHERE length(token) = " + WIDTH)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String tail(String output) {
        return output.length() <= 4000 ? output : output.substring(output.length() - 4000);
    }
}
