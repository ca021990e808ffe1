package io.tandem.core.db;

/**
 * How far an app's journal has been applied, as stored in {@code tandem.applier_state} ({@link TrackRow}): every transaction visible
 * in {@code applied}, plus, of the batch up to {@code batch} (when not null), the transactions whose largest seq
 * is at most {@code batchDoneSeq}.
 *
 * <p>{@link #covers} is the one rule for "is this transaction applied?": the applier resumes from a position, and
 * a {@code Fence} releases a waiting writer when the position covers its transaction.
 */
public record ApplierPosition(Snapshot applied, Snapshot batch, long batchDoneSeq) {

    /** Nothing applied yet. */
    public static ApplierPosition start() {
        return new ApplierPosition(Snapshot.ORIGIN, null, 0);
    }

    /**
     * The position from the text of {@code applied_snapshot} and {@code batch_snapshot} (null when no batch is in
     * progress) and from {@code batch_done_seq}.
     */
    public static ApplierPosition parse(String applied, String batch, long batchDoneSeq) {
        return new ApplierPosition(Snapshot.parse(applied), batch == null ? null : Snapshot.parse(batch), batchDoneSeq);
    }

    /** Whether transaction {@code txid}, whose largest seq is {@code maxSeq}, has been applied (or rejected). */
    public boolean covers(long txid, long maxSeq) {
        return applied.isVisible(txid) || batch != null && batch.isVisible(txid) && maxSeq <= batchDoneSeq;
    }
}
