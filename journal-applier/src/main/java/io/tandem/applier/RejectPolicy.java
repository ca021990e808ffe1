package io.tandem.applier;

/** What the applier does with a source transaction it cannot apply (see {@code docs/applier.md}, "Rejects"). */
public enum RejectPolicy {
    /**
     * Stop before the transaction, leave it in the journal, record why in {@code tandem.applier_state}, and wait
     * for an operator: fix the cause and restart, or restart with {@link #SKIP}. The default: nothing is ever
     * applied out of order.
     */
    HALT,
    /**
     * Copy every row of the transaction to {@code tandem.rejects} with the reason, apply none of it, and go on.
     */
    SKIP
}
