package io.tandem.applier;

import java.util.List;

/**
 * The journal rows one writer transaction committed, in {@code seq} order. Applied atomically: all of them or,
 * if rejected, none. {@code maxSeq} orders transactions that touched the same key as their commits did.
 */
record SourceTransaction(long txid, long maxSeq, List<JournalRow> rows) {

    /** The first row that could not be decoded, or {@code null}. */
    JournalRow firstUndecoded() {
        for (JournalRow row : rows) {
            if (!row.decoded()) {
                return row;
            }
        }
        return null;
    }
}
