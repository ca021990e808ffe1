package io.tandem.applier;

/** What the applier does with a source transaction it cannot apply (see {@code docs/applier.md}, "Rejects"). */
public enum RejectPolicy {
    /**
     * Stop before the transaction, leave it in the journal, record why in {@code tandem.applier_state}, and wait
     * for an operator: fix the cause and restart, or restart with {@link #SKIP}. Nothing after it is applied —
     * every writer of the app waits on one bad transaction, which any login that may write the app can append.
     */
    HALT,
    /**
     * Copy every row of the transaction to {@code tandem.rejects} with the reason, apply none of it, and go on: the
     * transaction counts as rolled back (its writer's fence says so), and the damage stays with it and with any
     * later write that needed it. The default: one writer's bad row never stops the others' data.
     */
    SKIP
}
