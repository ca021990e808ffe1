package io.tandem.views;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How close the release track must be to the live applier before a switch (or a revert) is tried: no more rows
 * behind than it projects in {@code within} at the fastest pace it has shown, and at least {@link #MIN_ROWS}; and
 * how long a try may then wait for the track's last rows ({@link #catchUpWait}).
 *
 * <p>Why a time and not a row count: a try holds the live applier at its position until the release track has
 * projected the rows between them, and while it is held nothing new reaches the views — a writer that waits for
 * its rows to be applied waits that long. A fixed count is a long hold on a slow track (2,000 rows are half a
 * second of a track that projects 4,000 rows a second) and needlessly strict on a fast one. The pace is the
 * fastest the track showed over any {@code 250 ms}, so near the live applier, where it works in smaller batches,
 * the hold can be a few times {@code within}: the window bounds the hold's order, not its exact length.
 *
 * <p>Why it widens: under a write load close to what the track can project, the track may stay near the live
 * applier (within ten windows) without ever being that near. Every {@link #WIDEN_AFTER} it spends near without a
 * break doubles the window, up to {@code 2^}{@link #MAX_WIDENINGS} times, so such a release still switches, with a
 * longer hold. Falling back out of reach, or a pause, starts that time again.
 *
 * <p>Fed by one thread with the times it observed: no clock of its own.
 */
final class SwitchWindow {
    /** The window is never narrower than this many rows. */
    static final long MIN_ROWS = 100;
    /** Waiting this long near the live applier without reaching the window doubles it. */
    static final Duration WIDEN_AFTER = Duration.ofSeconds(10);
    /** The window doubles at most this many times. */
    static final int MAX_WIDENINGS = 6;
    /** A try waits at least this long for the track's last rows ({@link #catchUpWait}). */
    static final Duration MIN_CATCH_UP_WAIT = Duration.ofMillis(500);
    /** The longest {@code within} a window takes ({@link #checked} refuses more). */
    static final Duration MAX_WITHIN = Duration.ofMinutes(1);
    /** The track's pace is measured over spans at least this long. */
    private static final long SPAN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long MAX_ROWS = 1L << 40;

    private final Duration within;
    private long spanStart = -1;
    private long spanRows;
    private double peakRowsPerSecond;
    private long nearSince = -1;
    private long now;

    /** @param within positive, at most {@link #MAX_WITHIN} ({@link #checked}) */
    SwitchWindow(Duration within) {
        this.within = within;
    }

    /** {@code within}, if it is a valid one: positive, at most {@link #MAX_WITHIN}. */
    static Duration checked(Duration within) {
        if (within.isNegative() || within.isZero() || within.compareTo(MAX_WITHIN) > 0) {
            throw new IllegalArgumentException("switchWithin must be positive and at most " + MAX_WITHIN.toSeconds()
                    + " s, not " + within);
        }
        return within;
    }

    /**
     * Records that at {@code nanos} the track had projected {@code appliedRows} in all and was {@code behind}, and
     * whether its release was paused.
     */
    void observe(long nanos, long appliedRows, long behind, boolean paused) {
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
        if (paused || !near(behind)) {
            nearSince = -1;
        } else if (nearSince < 0) {
            nearSince = nanos;
        }
    }

    /** Whether a track {@code behind} rows behind the live applier is close enough to try. */
    boolean admits(long behind) {
        return behind <= rows();
    }

    /** Whether the track is near (within ten windows): worth looking at again soon. */
    boolean near(long behind) {
        return behind <= 10 * rows();
    }

    /** The window in rows, as of the last observation. */
    long rows() {
        double base = Math.max(MIN_ROWS, peakRowsPerSecond * within.toNanos() / 1e9);
        return (long) Math.min(MAX_ROWS, base * (1L << widenings()));
    }

    /**
     * How long a try waits, the live applier held, for the track to reach it: ten windows' worth of the track's work
     * at its pace (ten times {@code within}, widened, before it has shown one), at least {@link #MIN_CATCH_UP_WAIT}.
     * A try that waits longer met more than the window (a large transaction committed meanwhile): it is better
     * given up — nothing changed, the live applier goes on — and tried again once the track is near.
     */
    Duration catchUpWait() {
        double windowNanos = peakRowsPerSecond > 0 ? rows() * 1e9 / peakRowsPerSecond
                : within.toNanos() * (double) (1L << widenings());
        long wait = (long) Math.min(TimeUnit.HOURS.toNanos(1), 10 * windowNanos);
        return wait > MIN_CATCH_UP_WAIT.toNanos() ? Duration.ofNanos(wait) : MIN_CATCH_UP_WAIT;
    }

    private int widenings() {
        if (nearSince < 0) {
            return 0;
        }
        return (int) Math.min(MAX_WIDENINGS, (now - nearSince) / WIDEN_AFTER.toNanos());
    }
}
