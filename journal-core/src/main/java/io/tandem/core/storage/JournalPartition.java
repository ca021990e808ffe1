package io.tandem.core.storage;

/**
 * One partition of {@code tandem.journal}: a table holding the journal rows whose {@code txid} is in
 * {@code [from, to)}.
 *
 * @param name  the table's name in schema {@code tandem}, e.g. {@code journal_1200000}
 * @param from  the first transaction id it holds, or {@code null} for no lower bound (the first partition)
 * @param to    the first transaction id it no longer holds, or {@code null} for no upper bound (the overflow
 *              partition, which only fills when nobody extended the journal ahead of the transaction ids in time)
 */
public record JournalPartition(String name, Long from, Long to) {
    /** Whether this is the overflow partition (no upper bound). */
    public boolean overflow() {
        return to == null;
    }

    /** Whether every transaction id below {@code xmin} has ended (so none can write into this partition any more). */
    public boolean sealedBy(long xmin) {
        return to != null && to <= xmin;
    }

    /** The range as a reader sees it, e.g. {@code txid [1000, 2000)}. */
    public String range() {
        return "txid [" + (from == null ? "-inf" : from) + ", " + (to == null ? "+inf" : to) + ")";
    }

    String qualified() {
        return "tandem." + name;
    }
}
