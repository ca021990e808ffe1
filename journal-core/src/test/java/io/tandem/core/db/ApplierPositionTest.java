package io.tandem.core.db;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApplierPositionTest {

    @Test
    void aTransactionVisibleInTheAppliedSnapshotIsCoveredWhateverItsSeq() {
        ApplierPosition p = ApplierPosition.parse("10:14:12", null, 0);
        assertTrue(p.covers(9, Long.MAX_VALUE));
        assertTrue(p.covers(13, Long.MAX_VALUE));
        assertFalse(p.covers(12, 1), "in progress when the snapshot was taken");
        assertFalse(p.covers(14, 1), "not yet started");
    }

    @Test
    void ofTheBatchInProgressOnlyTheTransactionsDoneUpToItsSeqAreCovered() {
        ApplierPosition p = ApplierPosition.parse("10:10:", "10:20:", 500);
        assertTrue(p.covers(15, 500));
        assertFalse(p.covers(16, 501), "in the batch, past the done seq");
        assertFalse(p.covers(25, 1), "not in the batch");
    }

    @Test
    void theStartCoversNothing() {
        assertFalse(ApplierPosition.start().covers(1, 0));
        assertNull(ApplierPosition.start().batch());
    }
}
