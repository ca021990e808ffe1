package io.tandem.views;

import java.time.Duration;

/**
 * How an online release runs; see {@link Migrator} for each property's meaning and default.
 *
 * @param lockTimeout       longest wait for any lock of the build's migrations or of the switch
 * @param attempts          switch tries on lock timeouts before giving up
 * @param copyRowsPerSecond the copy's pace limit, 0 for none
 * @param maxLag            the copy waits while the live applier is further behind than this
 * @param switchWithin      the switch is tried once the release track is at most this many rows behind
 * @param catchUpWait       how long a switch try waits, applier held, for the release track's last rows
 */
record OnlineOptions(Duration lockTimeout, int attempts, long copyRowsPerSecond, Duration maxLag, long switchWithin,
                     Duration catchUpWait) {
}
