package io.tandem.core.journal;

import io.tandem.core.TandemException;

/**
 * A {@link Fence} waited for a transaction the applier did not apply: it was moved to {@code tandem.rejects}, or
 * the applier halted before it. The write is still in the journal; {@link #getMessage()} says why and what to do.
 */
public class RejectedTransactionException extends TandemException {
    private static final long serialVersionUID = 1L;
    private final long txid;

    public RejectedTransactionException(long txid, String reason) {
        super("Transaction " + txid + " was not applied: " + reason);
        this.txid = txid;
    }

    public long txid() {
        return txid;
    }
}
