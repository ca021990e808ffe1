package io.tandem.applier;

import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.testing.Await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A seeded random write load on the {@code acct} item entity, with its own ground truth.
 *
 * <p>Every writer transaction journals updates of 1–5 keys of a small key space (val and a token unique to the
 * transaction) and, in the same transaction, updates a plain {@code model} table directly: the row locks make the
 * final model row the values of the last committed writer, which is what the applier must leave in {@code item}.
 * About 20% of the transactions roll back; some are held open for 200–500 ms between their journal insert and
 * their commit. {@link #verify} checks equality with the model, and, through the {@code item_audit} trigger, that
 * each committed transaction was applied exactly once and atomically and no rolled-back one at all.
 */
final class Workload {
    /** How a writer journals. */
    enum Path { JOURNAL_WRITER, SQL_APPEND }

    private final DataSource pool;
    private final JournalWriter writer;
    private final Path path;
    private final long seed;
    private final String prefix;
    private final long firstKey;
    private final int keys;
    private final Map<String, Integer> committed = new ConcurrentHashMap<>();
    private final Set<String> rolledBack = ConcurrentHashMap.newKeySet();
    private final Set<String> unknown = ConcurrentHashMap.newKeySet();
    private final AtomicInteger longHeld = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stop;

    Workload(DataSource pool, VersionDefinition v1, Path path, long seed, String prefix, long firstKey, int keys) {
        this.pool = pool;
        this.writer = new JournalWriter(List.of(v1));
        this.path = path;
        this.seed = seed;
        this.prefix = prefix;
        this.firstKey = firstKey;
        this.keys = keys;
    }

    /** Creates every key through the journal (one transaction), and its model row. */
    void createKeys() throws SQLException {
        try (Connection c = pool.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS model (id bigint PRIMARY KEY, val bigint, token text)");
            }
            c.setAutoCommit(false);
            String token = prefix + "-init";
            for (long id = firstKey; id < firstKey + keys; id++) {
                journal(c, "insert", id, id, token);
                try (PreparedStatement s = c.prepareStatement("INSERT INTO model (id, val, token) VALUES (?, ?, ?)")) {
                    s.setLong(1, id);
                    s.setLong(2, id);
                    s.setString(3, token);
                    s.executeUpdate();
                }
            }
            c.commit();
            committed.put(token, keys);
        }
    }

    /** Starts {@code n} writer threads. */
    void start(int n) {
        for (int t = 0; t < n; t++) {
            int thread = t;
            Thread th = new Thread(() -> writeLoop(thread), "writer-" + prefix + "-" + t);
            th.setDaemon(true);
            threads.add(th);
            th.start();
        }
    }

    /** Stops the writers and waits for them (a held transaction finishes first). */
    void stop() throws InterruptedException {
        stop = true;
        for (Thread t : threads) {
            t.join(Await.SAFETY_NET.toMillis());
            assertTrue(!t.isAlive(), t.getName() + " did not stop");
        }
    }

    /**
     * Waits until the writers have committed {@code transactions} transactions (and, so that the load is what it
     * claims, rolled one back and held one open long), however long that takes on this machine.
     */
    void awaitCommitted(int transactions) throws Exception {
        Await.until(transactions + " committed writer transactions, one rolled back, one held long (" + summary() + ")",
                () -> committed.size() >= transactions && !rolledBack.isEmpty() && longHeld.get() > 0);
    }

    int committedTransactions() {
        return committed.size();
    }

    private void writeLoop(int thread) {
        Random r = new Random(seed * 1_000_003L + thread);
        int n = 0;
        while (!stop) {
            String token = prefix + "-" + thread + "-" + n++;
            TreeSet<Long> ids = new TreeSet<>(); // sorted: every transaction locks keys in one order
            int count = 1 + r.nextInt(5);
            while (ids.size() < count) {
                ids.add(firstKey + r.nextInt(keys));
            }
            Map<Long, Long> vals = new TreeMap<>();
            ids.forEach(id -> vals.put(id, r.nextLong(1_000_000_000L)));
            boolean rollback = r.nextInt(5) == 0;
            boolean holdLong = r.nextInt(25) == 0;
            long holdMillis = holdLong ? 200 + r.nextInt(301) : r.nextInt(4) == 0 ? r.nextInt(15) : 0;
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    if (path == Path.JOURNAL_WRITER) {
                        List<JournalEntry> entries = new ArrayList<>();
                        vals.forEach((id, val) -> entries.add(JournalEntry.update("acct", 1, "item", Map.of("id", id),
                                Map.of("val", val, "token", token), List.of("val", "token"))));
                        writer.append(c, entries);
                    } else {
                        for (Map.Entry<Long, Long> e : vals.entrySet()) {
                            journal(c, "update", e.getKey(), e.getValue(), token);
                        }
                    }
                    if (holdMillis > 0) {
                        if (holdLong) {
                            longHeld.incrementAndGet();
                        }
                        Thread.sleep(holdMillis); // the seq is allocated; the commit comes much later
                    }
                    try (PreparedStatement s = c.prepareStatement("UPDATE model SET val = ?, token = ? WHERE id = ?")) {
                        for (Map.Entry<Long, Long> e : vals.entrySet()) {
                            s.setLong(1, e.getValue());
                            s.setString(2, token);
                            s.setLong(3, e.getKey());
                            s.addBatch();
                        }
                        s.executeBatch();
                    }
                } catch (SQLException | InterruptedException e) {
                    failed.incrementAndGet();
                    rollback = true;
                }
                if (rollback) {
                    c.rollback();
                    rolledBack.add(token);
                } else {
                    try {
                        c.commit();
                        committed.put(token, ids.size());
                    } catch (SQLException e) {
                        unknown.add(token); // did it commit? Neither check counts on it
                    }
                }
            } catch (SQLException e) {
                unknown.add(token);
            }
        }
    }

    private void journal(Connection c, String op, long id, long val, String token) throws SQLException {
        if (path == Path.JOURNAL_WRITER) {
            JournalEntry entry = op.equals("insert")
                    ? JournalEntry.insert("acct", 1, "item", Map.of("id", id), Map.of("id", id, "val", val, "token", token))
                    : JournalEntry.update("acct", 1, "item", Map.of("id", id), Map.of("val", val, "token", token),
                    List.of("val", "token"));
            writer.append(c, entry);
            return;
        }
        String data = op.equals("insert")
                ? "{\"id\": " + id + ", \"val\": " + val + ", \"token\": \"" + token + "\"}"
                : "{\"val\": " + val + ", \"token\": \"" + token + "\"}";
        try (PreparedStatement s = c.prepareStatement("SELECT tandem.append('acct', 1, 'item', ?, ?::jsonb, ?::jsonb, ?)")) {
            s.setString(1, op);
            s.setString(2, "{\"id\": " + id + "}");
            s.setString(3, data);
            s.setArray(4, op.equals("insert") ? null : c.createArrayOf("text", new String[]{"val", "token"}));
            s.executeQuery().close();
        }
    }

    /** Checks that the load was what it claims to be: commits, rollbacks and long-held transactions. */
    void assertMeaningful(int minCommitted) {
        assertTrue(committed.size() >= minCommitted, "only " + committed.size() + " transactions committed");
        assertTrue(!rolledBack.isEmpty(), "no transaction rolled back");
        assertTrue(longHeld.get() > 0, "no transaction was held open long");
    }

    String summary() {
        return committed.size() + " committed, " + rolledBack.size() + " rolled back (" + failed.get()
                + " failed), " + unknown.size() + " unknown, " + longHeld.get() + " held long";
    }

    /** Physical rows equal the model; each committed transaction applied exactly once and atomically; no rollback. */
    void verify(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("SELECT m.id, m.val, m.token, i.val, i.token"
                    + " FROM model m LEFT JOIN item i ON i.id = m.id WHERE m.id >= ? AND m.id < ? ORDER BY m.id")) {
                s.setLong(1, firstKey);
                s.setLong(2, firstKey + keys);
                int rows = 0;
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        String model = rs.getLong(2) + "|" + rs.getString(3);
                        String item = rs.getObject(4) == null ? null : rs.getLong(4) + "|" + rs.getString(5);
                        assertEquals(model, item, "item " + rs.getLong(1) + " (model: last committed writer)");
                    }
                }
                assertEquals(keys, rows);
            }
            Map<String, long[]> audit = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT token, count(*), count(DISTINCT id),"
                    + " count(DISTINCT applier_xid) FROM item_audit WHERE token LIKE ? GROUP BY token")) {
                s.setString(1, prefix + "-%");
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        audit.put(rs.getString(1), new long[]{rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                    }
                }
            }
            for (String token : rolledBack) {
                if (audit.containsKey(token)) {
                    fail("rolled-back transaction " + token + " was applied: " + audit.get(token)[0] + " row(s)");
                }
            }
            for (Map.Entry<String, Integer> e : committed.entrySet()) {
                long[] a = audit.get(e.getKey());
                if (a == null) {
                    fail("committed transaction " + e.getKey() + " (" + e.getValue() + " key(s)) was never applied");
                }
                assertEquals(e.getValue().longValue(), a[0], "physical writes of " + e.getKey() + " (exactly once)");
                assertEquals(e.getValue().longValue(), a[1], "keys written by " + e.getKey());
                assertEquals(1, a[2], "applier transactions that applied " + e.getKey() + " (atomic)");
            }
            for (String token : audit.keySet()) {
                assertTrue(committed.containsKey(token) || unknown.contains(token), "unexpected token " + token);
            }
        }
    }

    /** Journal rows of app acct that committed and are not yet covered by the applier's position. */
    static long pending(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM tandem.journal j JOIN tandem.applier_state a"
                     + " ON a.app = j.app WHERE j.app = 'acct'"
                     + " AND NOT pg_visible_in_snapshot(j.txid, a.applied_snapshot)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until every committed journal row of acct is covered by the applier's position. */
    static void awaitDrained(DataSource ds) throws Exception {
        Await.until("every committed journal row of acct applied", () -> pending(ds) == 0);
    }
}
