package io.tandem.views;

import java.time.Duration;

/**
 * How an online release runs; see {@link Migrator} for each property's meaning and default.
 *
 * @param lockTimeout       longest wait for any lock of the build's migrations or of the switch, except for
 *                          maintenance on the tables of the release ({@link #MAINTENANCE_WAIT})
 * @param attempts          switch tries on lock timeouts before giving up
 * @param copyRowsPerSecond the copy's pace limit, 0 for none
 * @param maxLag            the copy waits while the live applier is further behind than this
 * @param switchWithin      the switch is tried once the release track is within this much of its own work of the
 *                          live applier ({@link SwitchWindow})
 * @param quietWait         how long the switch waits for a quiet moment on the views ({@link QuietMoment})
 */
record OnlineOptions(Duration lockTimeout, int attempts, long copyRowsPerSecond, Duration maxLag,
                     Duration switchWithin, Duration quietWait) {
    /**
     * How long a release waits for maintenance ({@code VACUUM}, {@code ANALYZE}, autovacuum) on its tables, when
     * {@code lockTimeout} is shorter: the locks it waits for there ({@code SHARE UPDATE EXCLUSIVE} for the switch,
     * the build's {@code ANALYZE}) hold up no reader or writer, and what PostgreSQL does not cancel for them — a
     * manual {@code VACUUM} or {@code ANALYZE}, an autovacuum against wraparound, {@code CREATE INDEX CONCURRENTLY}
     * — may well take longer than a lock the app waits on may.
     */
    static final Duration MAINTENANCE_WAIT = Duration.ofSeconds(30);

    /** The lock timeout for a wait on maintenance: {@code lockTimeout} or {@link #MAINTENANCE_WAIT}, the longer. */
    static Duration maintenanceWait(Duration lockTimeout) {
        return lockTimeout.compareTo(MAINTENANCE_WAIT) > 0 ? lockTimeout : MAINTENANCE_WAIT;
    }
}
