package io.tandem.core.storage;

import io.tandem.core.db.TandemSchema;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upgrading a populated journal (Tandem schema 11) to the partitioned one while writers keep writing: every row,
 * before and during the upgrade, is there once, the old table is the first partition without a copy, and the
 * grants, the sequence and the views that read the journal carry over.
 */
@PostgresTest
class JournalConversionTest {
    private static final int OLD_ROWS = JournalConversion.VALIDATE_ABOVE_ROWS + 20_000;
    private static final int WRITERS = 3;

    @Test
    void aPopulatedJournalIsPartitionedUnderWritersWithNothingLost(TestDatabase db) throws Exception {
        TandemSchema.installUpTo(db.dataSource(), "11");
        populate(db);
        execute(db, "CREATE ROLE conversion_writer");
        execute(db, "GRANT INSERT (app, app_version, entity, op, key, data, changed, origin) ON tandem.journal"
                + " TO conversion_writer");
        execute(db, "GRANT USAGE ON SEQUENCE tandem.journal_seq_seq TO conversion_writer");
        long oldMaxSeq = number(db, "SELECT max(seq) FROM tandem.journal");

        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Long> written = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread t = new Thread(() -> write(db, writer, stop, written, failures));
            t.start();
            writers.add(t);
        }
        Await.until("the writers write before the upgrade starts", () -> written.size() >= 50 || !failures.isEmpty());
        TandemSchema.install(db.dataSource());
        int atUpgrade = written.size();
        Await.until("the writers write after it", () -> written.size() >= atUpgrade + 50 || !failures.isEmpty());
        stop.set(true);
        for (Thread t : writers) {
            t.join();
        }

        assertTrue(failures.isEmpty(), "a writer failed: " + failures.peek());
        assertEquals("p", text(db, "SELECT relkind::text FROM pg_class WHERE oid = 'tandem.journal'::regclass"));
        assertEquals(OLD_ROWS, number(db, "SELECT count(*) FROM tandem.journal_0 WHERE entity = 'old'"));
        assertEquals(written.size(), number(db, "SELECT count(*) FROM tandem.journal WHERE entity = 'new'"));
        assertEquals(OLD_ROWS + written.size(), number(db, "SELECT count(DISTINCT seq) FROM tandem.journal"));
        assertEquals(new TreeSet<>(written), newKeysOnce(db), "the rows the writers committed, each once");
        assertTrue(number(db, "SELECT min(seq) FROM tandem.journal WHERE entity = 'new' AND seq > " + oldMaxSeq)
                > oldMaxSeq);
        assertEquals(number(db, "SELECT count(*) FROM tandem.journal"), number(db, "SELECT count(*) FROM"
                + " tandem.role_journal"), "the view that reads the journal reads the partitioned one");
        assertEquals("true true false", text(db, """
                SELECT has_column_privilege('conversion_writer', 'tandem.journal', 'key', 'INSERT')::text || ' '
                    || has_sequence_privilege('conversion_writer', 'tandem.journal_seq_seq', 'USAGE')::text || ' '
                    || has_column_privilege('conversion_writer', 'tandem.journal_0', 'key', 'INSERT')::text"""));
        assertEquals(TandemSchema.CURRENT_VERSION, TandemSchema.install(db.dataSource()), "installing again changes nothing");
    }

    /** Rows of the old journal, in transactions of 2,000 (each takes a per-key lock per row). */
    private static void populate(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int from = 1; from <= OLD_ROWS; from += 2_000) {
                s.execute("INSERT INTO tandem.journal (app, app_version, entity, op, key, data)"
                        + " SELECT 'conv', 1, 'old', 'insert', jsonb_build_object('id', g), '{}'"
                        + " FROM generate_series(" + from + ", " + Math.min(OLD_ROWS, from + 1_999) + ") g");
            }
        }
    }

    private static void write(TestDatabase db, int writer, AtomicBoolean stop, ConcurrentLinkedQueue<Long> written,
                              ConcurrentLinkedQueue<Throwable> failures) {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("INSERT INTO tandem.journal"
                + " (app, app_version, entity, op, key, data) VALUES ('conv', 1, 'new', 'insert', ?::jsonb, '{}')")) {
            for (long n = 0; !stop.get(); n++) {
                long id = writer * 1_000_000_000L + n;
                s.setString(1, "{\"id\": " + id + "}");
                s.executeUpdate();
                written.add(id);
            }
        } catch (Throwable e) {
            failures.add(e);
        }
    }

    /** The ids of the rows the writers wrote, each once (a key found twice fails). */
    private static TreeSet<Long> newKeysOnce(TestDatabase db) throws SQLException {
        TreeSet<Long> ids = new TreeSet<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT (key->>'id')::bigint FROM tandem.journal WHERE entity = 'new'")) {
            while (rs.next()) {
                assertTrue(ids.add(rs.getLong(1)), "row " + rs.getLong(1) + " is in the journal twice");
            }
        }
        return ids;
    }

    private static long number(TestDatabase db, String sql) throws SQLException {
        return Long.parseLong(text(db, sql));
    }

    private static String text(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
