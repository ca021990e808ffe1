package io.tandem.core.db;

import java.util.Arrays;

/**
 * A PostgreSQL transaction snapshot ({@code pg_snapshot}, text form {@code xmin:xmax:xip,...}): which
 * transactions had finished when it was taken.
 *
 * <p>A transaction id is <em>visible</em> in a snapshot (it had committed or rolled back) when it is below
 * {@code xmin}, or below {@code xmax} and not in the in-progress list — exactly what
 * {@code pg_visible_in_snapshot} computes on the server. The applier's position is a snapshot: every journal
 * transaction visible in it has been applied.
 *
 * @param xmin the earliest transaction still in progress
 * @param xmax one past the latest finished transaction
 * @param xip  the transactions in progress, sorted
 */
public record Snapshot(long xmin, long xmax, long[] xip) {

    /** The snapshot before any transaction: nothing is visible in it. */
    public static final Snapshot ORIGIN = new Snapshot(1, 1, new long[0]);

    public Snapshot {
        xip = xip.clone();
        Arrays.sort(xip);
    }

    /**
     * Parses the text form of a {@code pg_snapshot}, e.g. {@code 733:740:734,736}.
     *
     * @throws IllegalArgumentException if the text is not a snapshot
     */
    public static Snapshot parse(String text) {
        String[] parts = text == null ? new String[0] : text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("'" + text + "' is not a pg_snapshot (xmin:xmax:xip,...)");
        }
        try {
            long[] xip = parts[2].isEmpty() ? new long[0]
                    : Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).toArray();
            return new Snapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), xip);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a pg_snapshot (xmin:xmax:xip,...)", e);
        }
    }

    /** Whether transaction {@code txid} had finished when this snapshot was taken. */
    public boolean isVisible(long txid) {
        if (txid < xmin) {
            return true;
        }
        return txid < xmax && Arrays.binarySearch(xip, txid) < 0;
    }

    /**
     * Whether every transaction visible in {@code other} is visible in this snapshot too — true when this one was
     * taken at the same time as {@code other} or later. A follower that may only move forward reads a batch up to
     * a snapshot only when its own position does not already include it.
     */
    public boolean includes(Snapshot other) {
        if (other.xmax > xmax) {
            return false;
        }
        for (long t : xip) {
            if (other.isVisible(t)) {
                return false;
            }
        }
        return true;
    }

    /** The text form PostgreSQL accepts as a {@code pg_snapshot} literal. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder().append(xmin).append(':').append(xmax).append(':');
        for (int i = 0; i < xip.length; i++) {
            text.append(i == 0 ? "" : ",").append(xip[i]);
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Snapshot s && s.xmin == xmin && s.xmax == xmax && Arrays.equals(s.xip, xip);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(xmin) + 17 * Long.hashCode(xmax) + Arrays.hashCode(xip);
    }
}
