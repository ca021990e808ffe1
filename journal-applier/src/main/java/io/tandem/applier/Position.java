package io.tandem.applier;

import io.tandem.core.Snapshot;

/**
 * How far an app's journal has been applied, as stored in {@code tandem.applier_state}: every transaction visible
 * in {@code applied}, plus, of the batch up to {@code batch} (when not null), the transactions whose largest seq
 * is at most {@code batchDoneSeq}.
 */
record Position(Snapshot applied, Snapshot batch, long batchDoneSeq) {

    static Position start() {
        return new Position(Snapshot.ORIGIN, null, 0);
    }

    /** Whether transaction {@code txid}, whose largest seq is {@code maxSeq}, has been applied (or rejected). */
    boolean covers(long txid, long maxSeq) {
        return applied.isVisible(txid) || batch != null && batch.isVisible(txid) && maxSeq <= batchDoneSeq;
    }
}
