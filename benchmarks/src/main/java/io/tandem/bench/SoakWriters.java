package io.tandem.bench;

import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The soak's writers: closed-loop threads, each committing transactions of {@value #ROWS_PER_TX} shop v1 customer
 * journal rows through {@link JournalWriter} (one JDBC batch, autocommit off) on a pool of the app's login, until
 * at least the soak's rows are committed (the last transactions may pass it by a few rows).
 *
 * <p>Each transaction creates {@value #CREATED} customers, changes the email of {@value #CHANGED} of those its
 * thread created in its previous transaction, and deletes the {@value #CREATED} its thread created
 * {@value #WINDOW} transactions before. So the customer table stays at a fixed size ({@code threads x WINDOW x
 * CREATED} rows) however many rows the soak writes: what grows over the run is the journal alone, and a decline
 * in speed is the journal's, not a growing target table's. A thread's writes to one customer are committed in
 * order by that thread, so the applier's per-key order is exercised but never contended.
 */
final class SoakWriters {
    static final int ROWS_PER_TX = 10;
    private static final int CREATED = 4;
    private static final int CHANGED = 2;
    private static final int WINDOW = 1000;

    private final DataSource pool;
    private final JournalWriter writer;
    private final int threads;
    private final long rows;
    private final AtomicLong claimed = new AtomicLong();
    private final AtomicLong committedRows = new AtomicLong();
    private final long[] committedByThread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> running = new ArrayList<>();

    SoakWriters(DataSource pool, JournalWriter writer, int threads, long rows) {
        this.pool = pool;
        this.writer = writer;
        this.threads = threads;
        this.rows = rows;
        this.committedByThread = new long[threads];
    }

    void start() {
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread w = new Thread(() -> write(thread), "soak-writer-" + t);
            running.add(w);
            w.start();
        }
    }

    /** Journal rows committed so far. */
    long committedRows() {
        return committedRows.get();
    }

    /** Whether every thread has stopped (the rows all committed, or one failed). */
    boolean finished() {
        return running.stream().noneMatch(Thread::isAlive);
    }

    /** Waits for every thread; throws what the first failed thread hit. */
    void await() throws InterruptedException {
        for (Thread w : running) {
            w.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("soak writers failed: " + failure.get(), failure.get());
        }
    }

    /** Stops the threads early (a failure elsewhere): they finish their current transaction. */
    void stop() {
        claimed.set(Long.MAX_VALUE / 2);
    }

    /** How many customers the writes leave once all of them are applied. */
    long expectedCustomers() {
        long live = 0;
        for (long k : committedByThread) {
            live += Math.min(k, WINDOW) * CREATED;
        }
        return live;
    }

    private void write(int thread) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            for (long k = 0; failure.get() == null; k++) {
                List<JournalEntry> tx = transaction(thread, k);
                if (claimed.getAndAdd(tx.size()) >= rows) {
                    return;
                }
                writer.append(c, tx);
                c.commit();
                committedByThread[thread] = k + 1;
                committedRows.addAndGet(tx.size());
            }
        } catch (SQLException | RuntimeException e) {
            failure.compareAndSet(null, e);
            stop();
        }
    }

    /** Transaction {@code k} of {@code thread}: creates, changes and deletes as the class says. */
    private List<JournalEntry> transaction(int thread, long k) {
        List<JournalEntry> entries = new ArrayList<>(ROWS_PER_TX);
        for (int j = 0; j < CREATED; j++) {
            long id = id(thread, k, j);
            entries.add(JournalEntry.insert("shop", 1, "customer", Map.of("id", id), Map.of("id", id,
                    "full_name", WriteVariant.fullName(id), "email", WriteVariant.email(id))));
        }
        for (int j = 0; j < CHANGED && k > 0; j++) {
            long id = id(thread, k - 1, j);
            entries.add(JournalEntry.update("shop", 1, "customer", Map.of("id", id),
                    Map.of("email", "s" + id + "-" + k + "@example.org"), List.of("email")));
        }
        for (int j = 0; j < CREATED && k >= WINDOW; j++) {
            entries.add(JournalEntry.delete("shop", 1, "customer", Map.of("id", id(thread, k - WINDOW, j))));
        }
        return entries;
    }

    /** The id of the {@code j}-th customer created by transaction {@code k} of {@code thread}; unique, from 1. */
    private long id(int thread, long k, int j) {
        return (k * threads + thread) * CREATED + j + 1;
    }
}
