package io.tandem.applier;

import io.tandem.core.journal.JournalEntry;

/**
 * One journal row as the reader fetched it: its position, and either the decoded entry or why it cannot be
 * decoded (then it is a reject).
 */
record JournalRow(long seq, long txid, JournalEntry entry, String rawJson, String problem) {

    boolean decoded() {
        return problem == null;
    }

    String describe() {
        return "journal row seq " + seq + " (txid " + txid + ")";
    }
}
