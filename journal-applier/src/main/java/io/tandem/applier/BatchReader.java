package io.tandem.applier;

import io.tandem.core.db.Snapshot;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one batch: the journal rows of the app whose transaction is visible in the target snapshot and not in the
 * previous one (PgQ's batching), in one statement, streamed, grouped by source transaction and cut into slices.
 *
 * <p>Why snapshots and not a seq high-water mark: seq is allocated in one order and committed in another, so a
 * transaction with a small seq may commit after one with a larger seq has been applied. A transaction is in
 * exactly one batch: the first whose target snapshot sees it committed. The scan is bounded by the previous
 * snapshot's xmin and the target's xmax on the (app, txid) index, so a writer transaction that stays open for long
 * only keeps its own rows out of the batches, never anyone else's.
 *
 * <p>The target snapshot is the statement's own ({@code pg_current_snapshot()} returns the active snapshot), so
 * the rows read are exactly those of the transactions the snapshot sees committed.
 */
final class BatchReader {
    /** Receives slices, each a run of whole transactions in apply order. */
    interface SliceSink {
        void accept(Snapshot target, boolean completesBatch, List<SourceTransaction> transactions, long bytes);
    }

    private static final String BATCH = """
            WITH s AS (SELECT coalesce(?::pg_snapshot, pg_current_snapshot()) AS target)
            SELECT s.target::text, j.seq, j.txid::text, j.app_version, j.entity, j.op, j.key::text,
                   CASE WHEN octet_length(j.data_text) <= %2$d THEN j.data_text END,
                   j.changed, j.origin, j.group_max, octet_length(j.data_text) > %2$d
              FROM s LEFT JOIN LATERAL (
                   SELECT * FROM (
                       SELECT seq, txid, app_version, entity, op, key, data::text AS data_text, changed, origin,
                              max(seq) OVER (PARTITION BY txid) AS group_max
                         FROM tandem.journal
                        WHERE app = ?
                          AND txid >= ?::text::xid8
                          AND txid < pg_snapshot_xmax(s.target)
                          AND pg_visible_in_snapshot(txid, s.target)
                          AND NOT pg_visible_in_snapshot(txid, ?::pg_snapshot)%1$s) g
                    WHERE group_max > ?) j ON true
             ORDER BY j.group_max, j.seq
            """;

    /**
     * A track that follows the live one leaves out what the live track rejected: it only reads transactions the
     * live position already covers, so each is either applied there or in {@code tandem.rejects}.
     */
    private static final String NOT_REJECTED = """

                          AND NOT EXISTS (SELECT 1 FROM tandem.rejects r
                                           WHERE r.app = journal.app AND r.txid = journal.txid)""";

    /**
     * A row's data of more than this many bytes (as text) is not in the batch's result but read on its own when its
     * turn comes ({@link #WIDE_DATA}): the driver buffers {@code sliceRows} rows of the result at a time, and that
     * buffer must stay small however wide the rows are.
     */
    static final int WIDE_BYTES = 16 * 1024;

    /**
     * By app and txid as well as seq: the partitioned journal has no index on seq alone (its partitions are by txid),
     * so seq alone would scan every partition; (app, txid) is the index the batch itself reads by.
     */
    private static final String WIDE_DATA =
            "SELECT data::text FROM tandem.journal WHERE app = ? AND txid = ?::text::xid8 AND seq = ?";

    private final String app;
    private final RowDecoder decoder;
    private final int sliceRows;
    private final long sliceBytes;
    private final String query;

    BatchReader(String app, RowDecoder decoder, int sliceRows, long sliceBytes, boolean skipRejected) {
        this.app = app;
        this.decoder = decoder;
        this.sliceRows = sliceRows;
        this.sliceBytes = sliceBytes;
        this.query = BATCH.formatted(skipRejected ? NOT_REJECTED : "", WIDE_BYTES);
    }

    /**
     * Reads the batch after {@code previous}: up to {@code target} when resuming a batch begun before (skipping
     * the transactions whose largest seq is at most {@code doneSeq}), else up to a new snapshot.
     *
     * @return the batch's target snapshot; {@code sink} got every row of it, possibly in no slice at all
     */
    Snapshot read(Connection c, Snapshot previous, Snapshot target, long doneSeq, SliceSink sink) throws SQLException {
        c.setAutoCommit(false); // a cursor (fetch size) needs a transaction
        try (PreparedStatement s = c.prepareStatement(query)) {
            s.setFetchSize(sliceRows);
            s.setString(1, target == null ? null : target.toString());
            s.setString(2, app);
            s.setString(3, Long.toString(previous.xmin()));
            s.setString(4, previous.toString());
            s.setLong(5, target == null ? 0 : doneSeq);
            try (ResultSet rs = s.executeQuery(); PreparedStatement wide = c.prepareStatement(WIDE_DATA)) {
                return slice(rs, wide, sink);
            }
        } finally {
            c.commit();
        }
    }

    private Snapshot slice(ResultSet rs, PreparedStatement wide, SliceSink sink) throws SQLException {
        Snapshot target = null;
        List<SourceTransaction> slice = new ArrayList<>();
        List<JournalRow> group = new ArrayList<>();
        long groupTxid = -1;
        long groupMax = -1;
        int rows = 0;
        long bytes = 0;
        while (rs.next()) {
            if (target == null) {
                target = Snapshot.parse(rs.getString(1));
            }
            if (rs.getObject(2) == null) {
                break; // the batch is empty: the one row only carries the snapshot
            }
            long txid = Long.parseLong(rs.getString(3));
            if (txid != groupTxid && !group.isEmpty()) {
                slice.add(new SourceTransaction(groupTxid, groupMax, List.copyOf(group)));
                group.clear();
                if (rows >= sliceRows || bytes >= sliceBytes) {
                    sink.accept(target, false, List.copyOf(slice), bytes);
                    slice.clear();
                    rows = 0;
                    bytes = 0;
                }
            }
            groupTxid = txid;
            groupMax = rs.getLong(11);
            long seq = rs.getLong(2);
            String key = rs.getString(7);
            String data = rs.getBoolean(12) ? wideData(wide, txid, seq) : rs.getString(8);
            group.add(decoder.decode(seq, txid, rs.getInt(4), rs.getString(5), rs.getString(6),
                    key, data, strings(rs.getArray(9)), rs.getString(10)));
            rows++;
            bytes += 2L * (key.length() + (data == null ? 0 : data.length())); // UTF-16 at worst
        }
        if (!group.isEmpty()) {
            slice.add(new SourceTransaction(groupTxid, groupMax, List.copyOf(group)));
        }
        sink.accept(target, true, List.copyOf(slice), bytes);
        return target;
    }

    /** The data of the wide row {@code seq}, read on its own (in the batch's transaction, so as of its snapshot). */
    private String wideData(PreparedStatement wide, long txid, long seq) throws SQLException {
        wide.setString(1, app);
        wide.setString(2, Long.toString(txid));
        wide.setLong(3, seq);
        try (ResultSet rs = wide.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("journal row " + seq + " vanished while its batch was read");
            }
            return rs.getString(1);
        }
    }

    private static String[] strings(Array array) throws SQLException {
        return array == null ? null : (String[]) array.getArray();
    }
}
