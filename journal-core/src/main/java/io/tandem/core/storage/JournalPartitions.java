package io.tandem.core.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The partitions of {@code tandem.journal} as PostgreSQL has them, and the one way a partition is added.
 *
 * <p>The journal is partitioned by range of {@code txid}, so a transaction's rows are in one partition, the
 * applier's batches (a range of transaction ids) read only the newest partitions, and a partition whose every
 * transaction has ended and been applied can be dropped whole. A partition is added as a table of its own, then
 * attached: attaching takes {@code SHARE UPDATE EXCLUSIVE} on the journal, which no writer and no reader waits for,
 * where {@code CREATE TABLE ... PARTITION OF} would take {@code ACCESS EXCLUSIVE}.
 *
 * <p>The bounds are numbers this class computes, never text from a user, so they are written into the DDL (which
 * takes no parameters) as numbers.
 */
public final class JournalPartitions {
    /** The partition without upper bound, where rows land only if nobody extended the journal in time. */
    public static final String OVERFLOW = "journal_overflow";

    private static final Pattern BOUND = Pattern.compile(
            "FOR VALUES FROM \\((MINVALUE|'(\\d+)')\\) TO \\((MAXVALUE|'(\\d+)')\\)");

    private JournalPartitions() {
    }

    /** The partitions attached to the journal (and not being detached), in txid order: the overflow last. */
    public static List<JournalPartition> attached(Connection c) throws SQLException {
        List<JournalPartition> partitions = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT p.relname, pg_catalog.pg_get_expr(p.relpartbound, p.oid)
                  FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p ON p.oid = i.inhrelid
                 WHERE i.inhparent = 'tandem.journal'::pg_catalog.regclass AND NOT i.inhdetachpending""")) {
            while (rs.next()) {
                partitions.add(parse(rs.getString(1), rs.getString(2)));
            }
        }
        partitions.sort((a, b) -> a.from() == null ? -1 : b.from() == null ? 1 : Long.compare(a.from(), b.from()));
        return partitions;
    }

    /**
     * The partitions a {@code DETACH ... CONCURRENTLY} left half-detached (its session ended before it finished):
     * they take no new rows, and must be finished with {@code DETACH ... FINALIZE}.
     */
    public static List<String> detachPending(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT p.relname FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p ON p.oid = i.inhrelid
                 WHERE i.inhparent = 'tandem.journal'::pg_catalog.regclass AND i.inhdetachpending""")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /**
     * Creates the partition {@code [from, to)} ({@code to} null: no upper bound) as a table of its own, attaches it
     * and records it in {@code tandem.journal_partitions}. Runs in the caller's transaction, if any.
     */
    public static JournalPartition add(Connection c, String name, long from, Long to) throws SQLException {
        JournalPartition partition = new JournalPartition(name, from, to);
        String table = partition.qualified();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (LIKE tandem.journal INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
            s.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + name + "_pkey PRIMARY KEY (seq)");
            s.execute("ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY");
        }
        attach(c, partition);
        return partition;
    }

    /** The transaction id the next transaction to get one will have, at least ({@code xmax} of a fresh snapshot). */
    public static long nextXid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text")) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        }
    }

    /** The rows of {@code table} (in schema tandem), counted up to {@code limit} at most. */
    public static long rowsUpTo(Connection c, String table, long limit) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM (SELECT FROM tandem." + table + " LIMIT " + limit + ") r")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The name of a bounded partition that starts at {@code from}. */
    public static String nameFrom(long from) {
        return "journal_" + from;
    }

    /** Attaches the existing table of {@code partition} with its bounds and records them. */
    public static void attach(Connection c, JournalPartition partition) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE tandem.journal ATTACH PARTITION " + partition.qualified() + " FOR VALUES FROM ("
                    + bound(partition.from(), "MINVALUE") + ") TO (" + bound(partition.to(), "MAXVALUE") + ")");
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO tandem.journal_partitions (name, from_txid, to_txid) VALUES (?, ?::text::xid8, ?::text::xid8)
                ON CONFLICT (name) DO UPDATE SET from_txid = excluded.from_txid, to_txid = excluded.to_txid""")) {
            s.setString(1, partition.name());
            s.setString(2, partition.from() == null ? null : partition.from().toString());
            s.setString(3, partition.to() == null ? null : partition.to().toString());
            s.executeUpdate();
        }
    }

    private static String bound(Long value, String unbounded) {
        return value == null ? unbounded : "'" + value + "'";
    }

    static JournalPartition parse(String name, String bound) {
        Matcher m = BOUND.matcher(bound);
        if (!m.find()) {
            throw new IllegalStateException("tandem.journal's partition " + name + " has bounds Tandem did not make: "
                    + bound + ". Detach it (ALTER TABLE tandem.journal DETACH PARTITION tandem." + name + ").");
        }
        return new JournalPartition(name, m.group(2) == null ? null : Long.parseLong(m.group(2)),
                m.group(4) == null ? null : Long.parseLong(m.group(4)));
    }
}
