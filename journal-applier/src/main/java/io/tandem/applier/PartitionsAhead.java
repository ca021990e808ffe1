package io.tandem.applier;

import io.tandem.core.storage.BriefLock;
import io.tandem.core.storage.JournalPartition;
import io.tandem.core.storage.JournalPartitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Keeps partitions of the journal ready ahead of the transaction ids, so writers always find one, and bounds the
 * overflow partition when it was used.
 *
 * <p>Why ahead, and why an overflow: a partition's bounds are fixed when it is attached, so new ones must exist
 * before the transaction ids reach them. In the normal course, when the partitions left ahead cover less than half
 * the look-ahead (a day of transaction ids at the observed rate, at least four partitions and at most
 * {@value #MAX_AHEAD}), the empty overflow partition
 * is detached {@code CONCURRENTLY}, new partitions are attached in its place and it is attached again after them:
 * locks no writer waits for. If nobody did that in time (no applier ran for longer than the look-ahead), writes land
 * in the overflow partition and do not fail; then the overflow is bounded just ahead of the ids, with a validated
 * {@code CHECK} constraint and one brief exclusive transaction ({@link BriefLock}): the only time journal maintenance
 * makes writers wait, for a moment.
 */
final class PartitionsAhead {
    private static final Logger log = LoggerFactory.getLogger(PartitionsAhead.class);
    private static final long DEFAULT_WIDTH = 100_000;
    /** Partitions ahead at most, however small a width the policy sets. */
    private static final long MAX_AHEAD = 32;

    private final long width;
    private final long lookahead;
    private final long safe;
    private final double rate;

    PartitionsAhead(long width, long lookahead, long safe, double rate) {
        this.width = width;
        this.lookahead = lookahead;
        this.safe = safe;
        this.rate = rate;
    }

    /** Sized from the policy and the observed rate of transaction ids ({@code null} before it is known). */
    static PartitionsAhead sized(RetentionPolicy policy, Double xidsPerSecond) {
        double rate = xidsPerSecond == null ? 0 : xidsPerSecond;
        long span = Math.max(60, Math.min(6 * 3600, policy.shortestKeep().toSeconds() / 8));
        long width = policy.partitionXids() != null ? policy.partitionXids()
                : rate <= 0 ? DEFAULT_WIDTH : clamp((long) (rate * span), 1_000, 100_000_000);
        long lookahead = Math.min(MAX_AHEAD * width,
                Math.max(Math.max(4 * width, 2_000), Math.min((long) (rate * 86_400), 16 * width)));
        long safe = Math.min(lookahead / 4, Math.max(1_000, (long) (rate * 60)));
        return new PartitionsAhead(width, lookahead, safe, rate);
    }

    long width() {
        return width;
    }

    /**
     * Makes sure partitions cover the transaction ids from {@code nextXid} for the look-ahead; while {@code holder}
     * (a long transaction on the journal, or null) would make the move wait, only once a quarter of it is left.
     */
    void ensure(Connection c, long nextXid, String holder) throws SQLException {
        List<JournalPartition> partitions = JournalPartitions.attached(c);
        JournalPartition overflow = partitions.get(partitions.size() - 1);
        if (!overflow.overflow()) {
            throw new IllegalStateException("tandem.journal has no overflow partition (" + JournalPartitions.OVERFLOW
                    + ", txid up to MAXVALUE): attach one, or run `tandem migrate` to repair Tandem's schema");
        }
        long end = overflow.from();
        if (nextXid >= end - safe || hasRows(c, overflow)) {
            bound(c, overflow);
        } else if (end - nextXid < (holder == null ? lookahead / 2 : lookahead / 4)) {
            moveOverflow(c, end, nextXid + lookahead + width);
        }
    }

    /** The normal course: the overflow is empty and far ahead; partitions go in its place, no writer waits. */
    private void moveOverflow(Connection c, long end, long newEnd) throws SQLException {
        execute(c, "ALTER TABLE tandem.journal DETACH PARTITION tandem." + JournalPartitions.OVERFLOW + " CONCURRENTLY");
        JournalPartition detached = new JournalPartition(JournalPartitions.OVERFLOW, end, null);
        if (hasRows(c, detached)) { // cannot happen unless ids ran a minute's worth ahead in a few milliseconds
            JournalPartitions.attach(c, detached);
            log.error("The journal's overflow partition received rows while it was being moved (txid >= {}); it is"
                    + " attached again as it was and will be bounded on the next pass", end);
            return;
        }
        c.setAutoCommit(false);
        try {
            long from = end;
            for (; from < newEnd; from += width) {
                JournalPartitions.add(c, JournalPartitions.nameFrom(from), from, from + width);
            }
            JournalPartitions.attach(c, new JournalPartition(JournalPartitions.OVERFLOW, from, null));
            c.commit();
            log.info("Journal partitions now cover txid up to {} ({} ids each)", from, width);
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * The overflow was used (or the ids are about to reach it): it becomes a bounded partition ending
     * {@code margin} ids ahead, with new partitions and a new overflow after it, in one brief transaction.
     */
    private void bound(Connection c, JournalPartition overflow) throws SQLException {
        long bound = JournalPartitions.nextXid(c) + margin(JournalPartitions.rowsUpTo(c, overflow.name(), 10_000_000));
        String constraint = JournalPartitions.OVERFLOW + "_bound";
        BriefLock brief = new BriefLock(Duration.ofMillis(500), 60);
        log.warn("The journal's overflow partition is in use (txid >= {}): bounding it at txid {}; writers wait for a"
                + " moment", overflow.from(), bound);
        brief.run(c, "Bounding the journal's overflow partition", t -> {
            execute(t, "ALTER TABLE tandem." + JournalPartitions.OVERFLOW + " DROP CONSTRAINT IF EXISTS " + constraint);
            execute(t, "ALTER TABLE tandem." + JournalPartitions.OVERFLOW + " ADD CONSTRAINT " + constraint
                    + " CHECK (txid < '" + bound + "') NOT VALID");
        });
        execute(c, "ALTER TABLE tandem." + JournalPartitions.OVERFLOW + " VALIDATE CONSTRAINT " + constraint);
        String name = JournalPartitions.nameFrom(overflow.from());
        brief.run(c, "Bounding the journal's overflow partition", t -> {
            execute(t, "LOCK TABLE tandem.journal IN ACCESS EXCLUSIVE MODE");
            execute(t, "ALTER TABLE tandem.journal DETACH PARTITION tandem." + JournalPartitions.OVERFLOW);
            execute(t, "ALTER TABLE tandem." + JournalPartitions.OVERFLOW + " RENAME TO " + name);
            execute(t, "ALTER TABLE tandem." + name + " RENAME CONSTRAINT " + JournalPartitions.OVERFLOW + "_pkey TO "
                    + name + "_pkey");
            execute(t, "DELETE FROM tandem.journal_partitions WHERE name = '" + JournalPartitions.OVERFLOW + "'");
            JournalPartitions.attach(t, new JournalPartition(name, overflow.from(), bound));
            execute(t, "ALTER TABLE tandem." + name + " DROP CONSTRAINT " + constraint);
            long from = bound;
            for (; from < bound + lookahead; from += width) {
                JournalPartitions.add(t, JournalPartitions.nameFrom(from), from, from + width);
            }
            JournalPartitions.add(t, JournalPartitions.OVERFLOW, from, null);
        });
        log.info("The journal's overflow partition is now {} (txid [{}, {})); partitions ahead are ready",
                name, overflow.from(), bound);
    }

    /**
     * How far ahead of the next id the bounded overflow ends: its {@code CHECK} constraint holds for new rows from the
     * moment it is added, so the ids must not reach it before the bounded partition is attached. That takes the
     * validation (a scan of the overflow's rows, taken as 100,000 rows a second at worst) and two brief locks; ten
     * times the ids the observed rate uses in that time, and never less than two partitions or the safety margin.
     */
    long margin(long overflowRows) {
        double seconds = 10 + overflowRows / 100_000.0;
        return Math.max(Math.max(2 * width, 2 * safe), (long) (rate * seconds * 10));
    }

    /** Attaches the overflow again after a pass that died between moving it and attaching it. */
    static void reattachOverflow(Connection c) throws SQLException {
        List<JournalPartition> partitions = JournalPartitions.attached(c);
        if (!partitions.isEmpty() && partitions.get(partitions.size() - 1).overflow()) {
            return;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_catalog.to_regclass('tandem." + JournalPartitions.OVERFLOW + "') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new IllegalStateException("tandem.journal has no overflow partition and no table "
                        + JournalPartitions.OVERFLOW + " to attach: run `tandem migrate` to repair Tandem's schema");
            }
        }
        long end = partitions.get(partitions.size() - 1).to();
        JournalPartitions.attach(c, new JournalPartition(JournalPartitions.OVERFLOW, end, null));
        log.info("Attached the journal's overflow partition again at txid {}", end);
    }

    private static boolean hasRows(Connection c, JournalPartition p) throws SQLException {
        return JournalPartitions.rowsUpTo(c, p.name(), 1) > 0;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }
}
