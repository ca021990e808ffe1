package io.tandem.applier;

import io.tandem.core.db.Snapshot;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one batch: the journal rows of the app whose transaction is visible in the target snapshot and not in the
 * previous one (PgQ's batching), grouped by source transaction and cut into slices, in apply order.
 *
 * <p>Why snapshots and not a seq high-water mark: seq is allocated in one order and committed in another, so a
 * transaction with a small seq may commit after one with a larger seq has been applied. A transaction is in
 * exactly one batch: the first whose target snapshot sees it committed. The scan is bounded by the previous
 * snapshot's xmin and the target's xmax on the (app, txid) index, so a writer transaction that stays open for long
 * only keeps its own rows out of the batches, never anyone else's.
 *
 * <p>The target snapshot is the first statement's own ({@code pg_current_snapshot()} returns the active snapshot),
 * so the transactions read are exactly those the snapshot sees committed.
 *
 * <p>Why two statements: apply order is each transaction's largest seq ({@code group_max}), which is only known
 * once all of a transaction's rows are seen. The first statement lists the batch's transactions in that order —
 * txid, group_max and row count only, aggregated on the server — and streams it; each run of about
 * {@code sliceRows} rows is then fetched by txid on the same index and cut into slices. Sorting the rows themselves
 * by group_max instead (one statement) made the server sort every row of a batch, data included, before returning
 * the first: a backlog of a million rows spilled some 170 MB to disk, and nothing was applied while it sorted.
 *
 * <p>Why a run is put in apply order here and not by the server: ordering a run's rows on the server meant joining
 * them to the run's list (txid, group_max), a nested loop over the list for every row, then a sort — the applier's
 * largest server cost, more than its inserts and updates together (benchmarks/RESULTS.md). The rows now come in
 * the index's order, each is put with its transaction's as text, and the run's transactions are decoded and handed
 * on in the list's order. So the heap holds one run's rows as text (about {@code sliceRows} rows, and never a wide
 * row's data, {@link #WIDE_BYTES}: that is read when its transaction's turn comes) besides the slices being filled.
 */
final class BatchReader {
    /**
     * Receives slices, each a run of whole transactions in apply order, with the heap the slice will hold until it is
     * applied ({@link #heldBytes}).
     */
    interface SliceSink {
        void accept(Snapshot target, boolean completesBatch, List<SourceTransaction> transactions, long bytes);
    }

    /**
     * The heap a slice of {@code textBytes} (its journal text, UTF-16 at worst) holds in flight: its decoded rows, and
     * as much again once the planner has spelled their values as text arrays ({@link GroupWriter#plan}).
     */
    static long heldBytes(long textBytes) {
        return 2 * textBytes;
    }

    /** The batch's transactions in apply order; one row of nulls but the snapshot when the batch is empty. */
    private static final String TRANSACTIONS = """
            WITH s AS (SELECT coalesce(?::pg_snapshot, pg_current_snapshot()) AS target)
            SELECT s.target::text, t.txid::text, t.group_max, t.rows
              FROM s LEFT JOIN LATERAL (
                   SELECT txid, max(seq) AS group_max, count(*) AS rows
                     FROM tandem.journal
                    WHERE app = ?
                      AND txid >= ?::text::xid8
                      AND txid < pg_snapshot_xmax(s.target)
                      AND pg_visible_in_snapshot(txid, s.target)
                      AND NOT pg_visible_in_snapshot(txid, ?::pg_snapshot)%1$s
                    GROUP BY txid
                   HAVING max(seq) > ?) t ON true
             ORDER BY t.group_max
            """;

    /**
     * A track that follows the live one leaves out what the live track rejected: it only reads transactions the
     * live position already covers, so each is either applied there or in {@code tandem.rejects}.
     */
    private static final String NOT_REJECTED = """

                      AND NOT EXISTS (SELECT 1 FROM tandem.rejects r
                                       WHERE r.app = journal.app AND r.txid = journal.txid)""";

    /**
     * The rows of a run of the batch's transactions, in no particular order ({@link Slicer#fetch} puts them in apply
     * order). The txid range repeats what the list says so that the statement's generic plan prunes to the partitions
     * that range touches (it cannot prune on the list itself) instead of probing every partition's index, the empty
     * ones ahead included.
     */
    private static final String ROWS = """
            SELECT seq, txid::text, app_version, entity, op, key::text,
                   CASE WHEN octet_length(data_text) <= %1$d THEN data_text END,
                   changed, origin, octet_length(data_text) > %1$d
              FROM (SELECT seq, txid, app_version, entity, op, key, data::text AS data_text, changed, origin
                      FROM tandem.journal
                     WHERE app = ? AND txid = ANY (?::text[]::xid8[])
                       AND txid BETWEEN ?::text::xid8 AND ?::text::xid8) j
            """.formatted(BatchReader.WIDE_BYTES);

    /** Transactions listed per fetch of the first statement: a few hundred kB of txids and counts. */
    private static final int TRANSACTIONS_FETCH = 10_000;

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
    private final String transactionsQuery;

    BatchReader(String app, RowDecoder decoder, int sliceRows, long sliceBytes, boolean skipRejected) {
        this.app = app;
        this.decoder = decoder;
        this.sliceRows = sliceRows;
        this.sliceBytes = sliceBytes;
        this.transactionsQuery = TRANSACTIONS.formatted(skipRejected ? NOT_REJECTED : "");
    }

    /**
     * Reads the batch after {@code previous}: up to {@code target} when resuming a batch begun before (skipping
     * the transactions whose largest seq is at most {@code doneSeq}), else up to a new snapshot.
     *
     * @return the batch's target snapshot; {@code sink} got every row of it, possibly in no slice at all
     */
    Snapshot read(Connection c, Snapshot previous, Snapshot target, long doneSeq, SliceSink sink) throws SQLException {
        c.setAutoCommit(false); // a cursor (fetch size) needs a transaction
        try (PreparedStatement s = c.prepareStatement(transactionsQuery);
             PreparedStatement rows = c.prepareStatement(ROWS);
             PreparedStatement wide = c.prepareStatement(WIDE_DATA)) {
            s.setFetchSize(TRANSACTIONS_FETCH);
            s.setString(1, target == null ? null : target.toString());
            s.setString(2, app);
            s.setString(3, Long.toString(previous.xmin()));
            s.setString(4, previous.toString());
            s.setLong(5, target == null ? 0 : doneSeq);
            rows.setFetchSize(sliceRows);
            try (ResultSet rs = s.executeQuery()) {
                return new Slicer(c, rows, wide, sink).read(rs);
            }
        } finally {
            c.commit();
        }
    }

    /** One batch's reading: runs of listed transactions fetched, decoded and cut into slices. */
    private final class Slicer {
        private final Connection connection;
        private final PreparedStatement rows;
        private final PreparedStatement wide;
        private final SliceSink sink;
        private Snapshot target;
        private final List<SourceTransaction> slice = new ArrayList<>();
        private int sliceRowCount;
        private long sliceByteCount;

        Slicer(Connection connection, PreparedStatement rows, PreparedStatement wide, SliceSink sink) {
            this.connection = connection;
            this.rows = rows;
            this.wide = wide;
            this.sink = sink;
        }

        Snapshot read(ResultSet transactions) throws SQLException {
            Map<Long, Long> run = new LinkedHashMap<>(); // txid -> group_max, in apply order
            long runRows = 0;
            while (transactions.next()) {
                if (target == null) {
                    target = Snapshot.parse(transactions.getString(1));
                }
                if (transactions.getString(2) == null) {
                    break; // the batch is empty: the one row only carries the snapshot
                }
                run.put(Long.parseLong(transactions.getString(2)), transactions.getLong(3));
                runRows += transactions.getLong(4);
                if (runRows >= sliceRows) {
                    fetch(run);
                    run.clear();
                    runRows = 0;
                }
            }
            if (!run.isEmpty()) {
                fetch(run);
            }
            sink.accept(target, true, List.copyOf(slice), heldBytes(sliceByteCount));
            return target;
        }

        /**
         * Reads the rows of {@code run}'s transactions as they come, each with its transaction's, then decodes and
         * adds the transactions to the slices in the run's order (apply order), each transaction's rows in seq order.
         * A wide row's data is read only then, when its transaction's turn comes.
         */
        private void fetch(Map<Long, Long> run) throws SQLException {
            long[] txids = run.keySet().stream().mapToLong(Long::longValue).toArray();
            Object[] texts = run.keySet().stream().map(String::valueOf).toArray();
            rows.setString(1, app);
            rows.setArray(2, connection.createArrayOf("text", texts));
            rows.setString(3, Long.toString(Arrays.stream(txids).min().orElseThrow()));
            rows.setString(4, Long.toString(Arrays.stream(txids).max().orElseThrow()));
            Map<Long, List<FetchedRow>> read = new HashMap<>(run.size() * 2);
            try (ResultSet rs = rows.executeQuery()) {
                while (rs.next()) {
                    read.computeIfAbsent(Long.parseLong(rs.getString(2)), t -> new ArrayList<>())
                            .add(new FetchedRow(rs.getLong(1), rs.getInt(3), rs.getString(4), rs.getString(5),
                                    rs.getString(6), rs.getString(7), rs.getBoolean(10), strings(rs.getArray(8)),
                                    rs.getString(9)));
                }
            }
            if (read.size() != run.size()) {
                throw new SQLException("the journal rows of " + (run.size() - read.size()) + " of the batch's "
                        + run.size() + " listed transaction(s) vanished while the batch was read");
            }
            for (Map.Entry<Long, Long> tx : run.entrySet()) {
                handOn(tx.getKey(), tx.getValue(), read.remove(tx.getKey()));
            }
        }

        /** Decodes one transaction's rows in seq order (the index returns them so nearly always) into the slices. */
        private void handOn(long txid, long groupMax, List<FetchedRow> fetched) throws SQLException {
            fetched.sort(Comparator.comparingLong(FetchedRow::seq));
            List<JournalRow> decoded = new ArrayList<>(fetched.size());
            long bytes = 0;
            for (FetchedRow row : fetched) {
                String data = row.wide() ? wideData(wide, txid, row.seq()) : row.data();
                decoded.add(decoder.decode(row.seq(), txid, row.version(), row.entity(), row.op(), row.key(), data,
                        row.changed(), row.origin()));
                bytes += 2L * (row.key().length() + (data == null ? 0 : data.length())); // UTF-16 at worst
            }
            add(new SourceTransaction(txid, groupMax, List.copyOf(decoded)), bytes);
        }

        private void add(SourceTransaction tx, long bytes) {
            if (!slice.isEmpty() && (sliceRowCount >= sliceRows || sliceByteCount >= sliceBytes)) {
                sink.accept(target, false, List.copyOf(slice), heldBytes(sliceByteCount));
                slice.clear();
                sliceRowCount = 0;
                sliceByteCount = 0;
            }
            slice.add(tx);
            sliceRowCount += tx.rows().size();
            sliceByteCount += bytes;
        }
    }

    /** A journal row of a run as the statement returned it, not yet decoded; a wide row without its data. */
    private record FetchedRow(long seq, int version, String entity, String op, String key, String data, boolean wide,
                              String[] changed, String origin) {
    }

    /**
     * The data of the wide row {@code seq}, read on its own in the batch's transaction (its row cannot have changed:
     * the transaction that wrote it is committed and listed in the batch).
     */
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
