package io.tandem.applier;

/**
 * Turns a journal row's columns into a {@link JournalRow}: decoded against the version's definition, or marked
 * with the reason it cannot be (unknown version or entity, wrong type, missing key field...).
 */
@FunctionalInterface
interface RowDecoder {
    JournalRow decode(long seq, long txid, int version, String entity, String op, String key, String data,
                      String[] changed, String origin);
}
