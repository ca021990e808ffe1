package io.tandem.applier;

import io.tandem.core.db.Snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * The unit of work between reader and applier, and the ring buffer's event: a run of whole source transactions of
 * one batch (the transactions visible in {@code target} and not yet applied), applied in one target transaction
 * together with the position it reaches.
 *
 * <p>Mutable and reused by the Disruptor's ring; {@link #fill} replaces the whole content.
 */
final class Slice {
    Snapshot target;
    boolean completesBatch;
    long lastMaxSeq;
    final List<SourceTransaction> transactions = new ArrayList<>();
    int rows;
    /**
     * What the slice holds of the heap until it is applied, about: its rows decoded and their values spelled as text
     * arrays, counted from the journal text they came from ({@link BatchReader#heldBytes}).
     */
    long bytes;
    /** The transactions' rows regrouped for applying ({@link SlicePlanner}), or null if not planned. */
    List<PlannedGroup> groups;

    void fill(Snapshot target, boolean completesBatch, List<SourceTransaction> txs, long bytes) {
        this.target = target;
        this.bytes = bytes;
        this.completesBatch = completesBatch;
        transactions.clear();
        transactions.addAll(txs);
        groups = null;
        rows = 0;
        lastMaxSeq = 0;
        for (SourceTransaction tx : txs) {
            rows += tx.rows().size();
            lastMaxSeq = tx.maxSeq();
        }
    }

    /** Whether every row of the slice decoded, so the slice can be applied whole. */
    boolean clean() {
        return transactions.stream().allMatch(tx -> tx.firstUndecoded() == null);
    }

    void clear() {
        transactions.clear();
        groups = null;
        target = null;
    }
}
