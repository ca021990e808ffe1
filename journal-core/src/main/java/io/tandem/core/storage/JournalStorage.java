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
 * estimate), the oldest row by one probe of the partitions' {@code (app, txid)} index per app.
 *
 * @param partitions        attached partitions, the overflow included
 * @param rows              rows in the journal, as the planner estimates them (exact after an ANALYZE)
 * @param bytes             bytes on disk, indexes and TOAST included
 * @param oldestWrittenAt   when the oldest retained row was written (the row of the lowest txid of each app in the
 *                          oldest partition: as old as the oldest row, give or take how long its transaction ran);
 *                          null when the journal is empty
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
                overflowInUse = hasRows(c, p.name());
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

    /**
     * Null for an empty partition, or one retention dropped since the list was read. Why not {@code ORDER BY seq} or
     * {@code min(written_at)}: partitions have no index on either, and this runs at every maintenance pass and
     * {@code /metrics} scrape; walking the apps on the {@code (app, txid)} index (a loose index scan) reads a few
     * index pages per app however big the partition.
     */
    private static Instant oldestWrittenAt(Connection c, String name) throws SQLException {
        Timestamp oldest = partitionQuery(c, name, """
                WITH RECURSIVE apps(app) AS (
                        (SELECT app FROM tandem.%1$s ORDER BY app LIMIT 1)
                    UNION ALL
                        SELECT (SELECT j.app FROM tandem.%1$s j WHERE j.app > apps.app ORDER BY j.app LIMIT 1)
                          FROM apps WHERE apps.app IS NOT NULL)
                SELECT min((SELECT j.written_at FROM tandem.%1$s j WHERE j.app = apps.app ORDER BY j.txid LIMIT 1))
                  FROM apps WHERE apps.app IS NOT NULL""");
        return oldest == null ? null : oldest.toInstant();
    }

    private static boolean hasRows(Connection c, String name) throws SQLException {
        return partitionQuery(c, name, "SELECT pg_catalog.now() FROM tandem.%1$s LIMIT 1") != null;
    }

    /** The timestamp {@code sql} (a template on the partition's name) returns; null if none or the partition is gone. */
    private static Timestamp partitionQuery(Connection c, String name, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql.formatted(name));
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getTimestamp(1) : null;
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
