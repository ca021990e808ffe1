package io.tandem.core.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * What the journal occupies now and what retention last did: the figures {@code tandem status} and {@code /metrics}
 * show. Cheap to read at any time: sizes come from the catalog ({@code pg_total_relation_size}, the planner's row
 * estimate), the oldest row through the first partition's primary key.
 *
 * @param partitions        attached partitions, the overflow included
 * @param rows              rows in the journal, as the planner estimates them (exact after an ANALYZE)
 * @param bytes             bytes on disk, indexes and TOAST included
 * @param oldestWrittenAt   when the oldest retained row was written; null when the journal is empty
 * @param overflowInUse     whether rows landed in the overflow partition (journal maintenance did not run in time)
 * @param checkedAt         when journal maintenance last ran; null if never
 * @param checkedBy         which applier ran it ("host/pid")
 * @param heldBack          why retention keeps partitions it would otherwise remove; null when nothing holds it
 * @param removedAt         when retention last removed a partition; null if never
 * @param removedPartitions partitions removed so far
 * @param removedRows       rows removed so far
 * @param removedBytes      bytes removed so far
 */
public record JournalStorage(int partitions, long rows, long bytes, Instant oldestWrittenAt, boolean overflowInUse,
                             Instant checkedAt, String checkedBy, String heldBack, Instant removedAt,
                             long removedPartitions, long removedRows, long removedBytes) {

    /** Reads the journal's figures in {@code c}'s database (as the journal's owner: it reads the partitions). */
    public static JournalStorage read(Connection c) throws SQLException {
        List<JournalPartition> attached = JournalPartitions.attached(c);
        long rows = 0;
        long bytes = 0;
        Instant oldest = null;
        boolean overflowInUse = false;
        for (JournalPartition p : attached) {
            rows += estimatedRows(c, p.name());
            bytes += bytes(c, p.name());
            if (oldest == null) {
                oldest = oldestWrittenAt(c, p.name());
            }
            if (p.overflow()) {
                overflowInUse = oldestWrittenAt(c, p.name()) != null;
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT checked_at, checked_by, held_back, removed_at, removed_partitions, removed_rows, removed_bytes
                  FROM tandem.journal_maintenance""");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return new JournalStorage(attached.size(), rows, bytes, oldest, overflowInUse, instant(rs.getTimestamp(1)),
                    rs.getString(2), rs.getString(3), instant(rs.getTimestamp(4)), rs.getLong(5), rs.getLong(6),
                    rs.getLong(7));
        }
    }

    /** Bytes on disk of the partition {@code name}, indexes and TOAST included. */
    public static long bytes(Connection c, String name) throws SQLException {
        return number(c, "SELECT pg_catalog.pg_total_relation_size(pg_catalog.to_regclass(?))", name);
    }

    private static long estimatedRows(Connection c, String name) throws SQLException {
        return number(c, "SELECT greatest(reltuples, 0)::bigint FROM pg_catalog.pg_class"
                + " WHERE oid = pg_catalog.to_regclass(?)", name);
    }

    /** Null for an empty partition, or one retention dropped since the list was read. */
    private static Instant oldestWrittenAt(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT written_at FROM tandem." + name + " ORDER BY seq LIMIT 1");
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getTimestamp(1).toInstant() : null;
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState()) && c.getAutoCommit()) {
                return null;
            }
            throw e;
        }
    }

    private static final String UNDEFINED_TABLE = "42P01";

    private static long number(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, "tandem." + name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
