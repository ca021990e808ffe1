package io.tandem.applier;

import io.tandem.core.db.LockNames;
import io.tandem.core.db.LockView;
import io.tandem.core.storage.JournalPartition;
import io.tandem.core.storage.JournalPartitions;
import io.tandem.core.storage.JournalStorage;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * One pass of journal maintenance: finishes what a killed pass left half done, removes the oldest partitions the
 * retention policy lets go ({@link Retention}, archiving each first when the policy names an archive; why it holds
 * the others back is recorded first, in {@code tandem.journal_maintenance}) and keeps partitions ready ahead of the
 * transaction ids ({@link PartitionsAhead}).
 *
 * <p>Both removal and extension detach a partition {@code CONCURRENTLY}, which waits for every transaction that
 * had the journal open when it began: a long transaction would delay a pass (never a writer). So while a
 * transaction has held the journal for more than {@value #HOLDER_SECONDS} seconds, a pass removes nothing and says
 * why, and extends only when a quarter of the look-ahead is left (then it waits: better late than an overflow).
 * Extension starts when half the look-ahead is left, so it has the rest to wait in.
 *
 * <p>Any applier of any app may run a pass; the database-wide maintenance lock ({@link LockView}) keeps one at a
 * time and the others skip theirs. Removal drops the detached table: no writer or reader waits for it. Every step
 * is safe to repeat, so a pass killed anywhere is finished by the next one.
 */
final class JournalMaintenance {
    private static final Logger log = LoggerFactory.getLogger(JournalMaintenance.class);
    /** A transaction that has had the journal open longer than this is not waited for, unless it must be. */
    static final int HOLDER_SECONDS = 5;
    /** The longest any statement of a pass waits for a lock (the session's {@code lock_timeout}). */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(1);
    static final Duration HOLDER_PATIENCE = Duration.ofSeconds(HOLDER_SECONDS);
    /** The connections a pass holds: the maintenance lock's and the one it works on. */
    static final int CONNECTIONS = 2;

    private final DataSource dataSource;
    private final String runner;
    private final int reserved;
    private String lastHeldBack;
    private boolean starvedLogged;

    JournalMaintenance(DataSource dataSource, String runner) {
        this(dataSource, runner, 0);
    }

    /**
     * @param reserved the connections of {@code dataSource} that the applier's tracks may hold at once
     *                 ({@link TrackRunner#CONNECTIONS} each): a HikariCP pool must allow {@link #CONNECTIONS} more, or
     *                 passes never run — else a pass and a track taking their
     *                 connections one by one could each hold some and wait for the rest until the pool times out
     */
    JournalMaintenance(DataSource dataSource, String runner, int reserved) {
        this.dataSource = dataSource;
        this.runner = runner;
        this.reserved = reserved;
    }

    /**
     * Runs one pass unless another process runs one now, or the pool has no two spare connections (a pass must
     * never take a connection the tracks are waiting for); returns whether it ran.
     */
    boolean runOnce() throws SQLException, IOException {
        if (dataSource instanceof HikariDataSource pool && pool.getMaximumPoolSize() < reserved + CONNECTIONS) {
            if (!starvedLogged) {
                log.warn("Journal maintenance needs {} connections beyond the {} the applier's tracks may hold, and pool"
                        + " {} allows {}: it does not run, and retention removes nothing, until the pool allows {}",
                        CONNECTIONS, reserved, pool.getPoolName(), pool.getMaximumPoolSize(), reserved + CONNECTIONS);
                starvedLogged = true;
            }
            return false;
        }
        if (dataSource instanceof HikariDataSource pool && pool.getHikariPoolMXBean() != null
                && pool.getHikariPoolMXBean().getIdleConnections() + pool.getMaximumPoolSize()
                - pool.getHikariPoolMXBean().getTotalConnections() < CONNECTIONS) {
            if (!starvedLogged) {
                log.warn("Journal maintenance needs 2 connections beyond what the applier's tracks hold and pool {}"
                        + " has none spare: it skips its passes until it has (raise the pool's maximum size)",
                        pool.getPoolName());
                starvedLogged = true;
            }
            return false;
        }
        String name = LockNames.journalMaintenance();
        try (Connection lock = dataSource.getConnection(); Connection c = dataSource.getConnection()) {
            lock.setAutoCommit(true);
            LockView.ensure(lock, name);
            lock.setAutoCommit(false);
            if (!LockView.lock(lock, name, Duration.ZERO)) {
                return false;
            }
            try {
                c.setAutoCommit(true);
                // Never queue: a DETACH waiting for a lock makes the applier's next read of the journal queue behind
                // it. A pass that cannot get a lock within the timeout fails, says so, and is tried again.
                execute(c, "SET lock_timeout = '" + LOCK_TIMEOUT.toMillis() + "ms'");
                pass(c);
                return true;
            } finally {
                execute(c, "RESET lock_timeout"); // the pool hands the session on
                lock.rollback();
            }
        }
    }

    private void pass(Connection c) throws SQLException, IOException {
        finishDetaches(c);
        PartitionsAhead.reattachOverflow(c);
        dropLeftovers(c);
        RetentionPolicy policy = RetentionPolicy.read(c);
        List<JournalPartition> attached = JournalPartitions.attached(c);
        Retention.Verdict verdict = new Retention(policy).judge(c, attached, xmin(c), JournalStorage.read(c).bytes());
        String holder = JournalHolders.longerThan(c, HOLDER_PATIENCE);
        String heldBack = verdict.heldBack();
        if (holder != null && !verdict.removable().isEmpty()) {
            heldBack = holder + ": removing " + verdict.removable().get(0).name() + " waits until it ends";
        }
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE tandem.journal_maintenance SET held_back = ?, checked_by = ?")) {
            s.setString(1, heldBack);
            s.setString(2, runner);
            s.executeUpdate();
        }
        if (heldBack != null && !heldBack.equals(lastHeldBack)) {
            log.info("Journal retention holds partitions back: {}", heldBack); // once per reason; status shows it
        }
        lastHeldBack = heldBack;
        if (holder == null) {
            for (JournalPartition p : verdict.removable()) {
                remove(c, p, policy);
            }
        }
        long next = JournalPartitions.nextXid(c);
        PartitionsAhead.sized(policy, observeRate(c, next)).ensure(c, next, holder);
    }

    private void remove(Connection c, JournalPartition p, RetentionPolicy policy) throws SQLException, IOException {
        long rows = count(c, p.name());
        long bytes = JournalStorage.bytes(c, p.name());
        JournalArchive archive = policy.archive();
        if (archive != null) {
            String where = archive.store(c, p);
            update(c, "UPDATE tandem.journal_partitions SET archive_file = ? WHERE name = ?", where, p.name());
        }
        execute(c, "ALTER TABLE tandem.journal DETACH PARTITION tandem." + p.name() + " CONCURRENTLY");
        drop(c, p.name(), rows, bytes);
        log.info("Journal retention removed {} ({}, {} rows, {} bytes)", p.name(), p.range(), rows, bytes);
    }

    private static void drop(Connection c, String name, long rows, long bytes) throws SQLException {
        c.setAutoCommit(false);
        try {
            execute(c, "DROP TABLE tandem." + name);
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE tandem.journal_partitions SET removed_at = now(), removed_rows = ?, removed_bytes = ?
                     WHERE name = ?""")) {
                s.setLong(1, rows);
                s.setLong(2, bytes);
                s.setString(3, name);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE tandem.journal_maintenance SET removed_at = now(), removed_partitions = removed_partitions + 1,
                           removed_rows = removed_rows + ?, removed_bytes = removed_bytes + ?""")) {
                s.setLong(1, rows);
                s.setLong(2, bytes);
                s.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** A pass killed inside {@code DETACH ... CONCURRENTLY} leaves the partition half detached: finish it. */
    private static void finishDetaches(Connection c) throws SQLException {
        for (String name : JournalPartitions.detachPending(c)) {
            log.info("Finishing the detach of journal partition {} that an earlier pass began", name);
            execute(c, "ALTER TABLE tandem.journal DETACH PARTITION tandem." + name + " FINALIZE");
        }
    }

    /**
     * A pass killed between detaching a partition for removal and dropping it leaves the table: it was removable
     * (and archived first if the policy asked), so drop it now.
     */
    private static void dropLeftovers(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT p.name FROM tandem.journal_partitions p
                 WHERE p.removed_at IS NULL AND p.to_txid IS NOT NULL
                   AND pg_catalog.to_regclass('tandem.' || p.name) IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i
                                    WHERE i.inhrelid = pg_catalog.to_regclass('tandem.' || p.name))""")) {
            while (rs.next()) {
                String name = rs.getString(1);
                long rows = count(c, name);
                long bytes = JournalStorage.bytes(c, name);
                log.info("Dropping journal partition {}, detached for removal by an earlier pass", name);
                drop(c, name, rows, bytes);
            }
        }
    }

    /** Transaction ids per second since the last pass (smoothed), or the last known rate, or null. */
    private static Double observeRate(Connection c, long next) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE tandem.journal_maintenance m
                   SET xids_per_second = CASE
                           WHEN o.checked_at IS NULL OR now() - o.checked_at < interval '1 second' THEN o.xids_per_second
                           ELSE coalesce(o.xids_per_second / 2, 0) + ((?::text::xid8::text::numeric
                                - o.checked_xid::text::numeric) / extract(epoch FROM now() - o.checked_at)
                                / CASE WHEN o.xids_per_second IS NULL THEN 1 ELSE 2 END)::float8 END,
                       checked_xid = CASE WHEN o.checked_at IS NULL OR now() - o.checked_at >= interval '1 second'
                                          THEN ?::text::xid8 ELSE o.checked_xid END,
                       checked_at = CASE WHEN o.checked_at IS NULL OR now() - o.checked_at >= interval '1 second'
                                         THEN now() ELSE o.checked_at END
                  FROM tandem.journal_maintenance o
                RETURNING m.xids_per_second""")) {
            s.setString(1, Long.toString(next));
            s.setString(2, Long.toString(next));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                double rate = rs.getDouble(1);
                return rs.wasNull() ? null : rate;
            }
        }
    }

    private static long xmin(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())::text")) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        }
    }

    private static long count(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM tandem." + name)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void update(Connection c, String sql, String a, String b) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, a);
            s.setString(2, b);
            s.executeUpdate();
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
