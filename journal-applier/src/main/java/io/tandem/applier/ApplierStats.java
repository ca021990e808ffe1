package io.tandem.applier;

import java.util.concurrent.atomic.LongAdder;

/**
 * Running counters of one applier, read by the metrics endpoint and progress logs. Counts are since this process
 * started; the database's {@code tandem.applier_state.applied_rows} counts since the app's first batch.
 */
public final class ApplierStats {
    private final LongAdder appliedRows = new LongAdder();
    private final LongAdder appliedTransactions = new LongAdder();
    private final LongAdder slices = new LongAdder();
    private final LongAdder rejectedTransactions = new LongAdder();
    private final LongAdder leadRefused = new LongAdder();

    void applied(int rows, int transactions) {
        appliedRows.add(rows);
        appliedTransactions.add(transactions);
        slices.increment();
    }

    void rejected() {
        rejectedTransactions.increment();
    }

    void leadRefused() {
        leadRefused.increment();
    }

    /** Journal rows applied. */
    public long appliedRows() {
        return appliedRows.sum();
    }

    /** Source transactions applied. */
    public long appliedTransactions() {
        return appliedTransactions.sum();
    }

    /** Target transactions committed (one per slice, or per transaction after a failure). */
    public long slices() {
        return slices.sum();
    }

    /** Source transactions moved to {@code tandem.rejects}. */
    public long rejectedTransactions() {
        return rejectedTransactions.sum();
    }

    /** Times this applier tried to take the lead while another one held it (one per standby poll). */
    public long leadRefusals() {
        return leadRefused.sum();
    }
}
