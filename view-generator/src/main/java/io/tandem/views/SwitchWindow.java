package io.tandem.views;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How close the release track must be to the live applier before an online release tries its switch: no more rows
 * behind than it projects in {@code within} at the fastest pace it has shown during the catch-up, and at least
 * {@link #MIN_ROWS}.
 *
 * <p>Why a time and not a row count: the switch holds the live applier at its position until the release track has
 * projected the rows between them, and while it is held nothing new reaches the views — a writer that waits for
 * its rows to be applied waits that long. A fixed count is a long hold on a slow track (2,000 rows held the live
 * applier about half a second where the track projects 4,000 rows a second) and needlessly strict on a fast one.
 *
 * <p>Why it widens: under a write load close to what the track can project, the track may stay near the live
 * applier without ever being that near. Once it has been within ten times the window, each {@link #WIDEN_AFTER}
 * spent waiting doubles the window, so such a release still switches, with a longer hold.
 *
 * <p>Fed by one thread (the release's catch-up loop), with the times it observed: no clock of its own.
 */
final class SwitchWindow {
    /** The window is never narrower than this many rows. */
    static final long MIN_ROWS = 100;
    /** Waiting this long near the live applier without reaching the window doubles it. */
    static final Duration WIDEN_AFTER = Duration.ofSeconds(10);
    /** The track's pace is measured over spans at least this long. */
    private static final long SPAN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final int MAX_WIDENINGS = 6;
    /** A switch try waits at least this long for the track's last rows ({@link #catchUpWait}). */
    static final Duration MIN_CATCH_UP_WAIT = Duration.ofMillis(500);

    private final Duration within;
    private long spanStart = -1;
    private long spanRows;
    private double peakRowsPerSecond;
    private long nearSince = -1;
    private long now;

    /** @param within positive ({@link Migrator#switchWithin} checks it) */
    SwitchWindow(Duration within) {
        this.within = within;
    }

    /** Records that at {@code nanos} the track had projected {@code appliedRows} in all and was {@code behind}. */
    void observe(long nanos, long appliedRows, long behind) {
        now = nanos;
        if (spanStart < 0) {
            spanStart = nanos;
            spanRows = appliedRows;
        } else if (nanos - spanStart >= SPAN_NANOS) {
            double rate = (appliedRows - spanRows) * 1e9 / (nanos - spanStart);
            peakRowsPerSecond = Math.max(peakRowsPerSecond, rate);
            spanStart = nanos;
            spanRows = appliedRows;
        }
        if (nearSince < 0 && behind <= 10 * rows()) {
            nearSince = nanos;
        }
    }

    /** Whether a track {@code behind} rows behind the live applier is close enough to try the switch. */
    boolean admits(long behind) {
        return behind <= rows();
    }

    /** Whether the track is near (within ten windows): worth looking again soon rather than at the loop's pace. */
    boolean near(long behind) {
        return behind <= 10 * rows();
    }

    /** The window in rows, as of the last observation. */
    long rows() {
        double base = Math.max(MIN_ROWS, peakRowsPerSecond * within.toNanos() / 1e9);
        return (long) Math.min(Long.MAX_VALUE / 2, base * (1L << widenings()));
    }

    /**
     * How long a switch try waits, the live applier held, for the track to reach it: ten windows' worth of the track's
     * work, at least {@link #MIN_CATCH_UP_WAIT}. A try that waits longer met more than the window (a large transaction
     * committed meanwhile): it is better given up — nothing changed, the live applier goes on — and tried again once
     * the track is near than held on to.
     */
    Duration catchUpWait() {
        Duration tenWindows = within.multipliedBy(10L << widenings());
        return tenWindows.compareTo(MIN_CATCH_UP_WAIT) > 0 ? tenWindows : MIN_CATCH_UP_WAIT;
    }

    private int widenings() {
        if (nearSince < 0) {
            return 0;
        }
        return (int) Math.min(MAX_WIDENINGS, (now - nearSince) / WIDEN_AFTER.toNanos());
    }
}
