package io.tandem.views;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwitchWindowTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long WIDEN = SwitchWindow.WIDEN_AFTER.toNanos();

    @Test
    void beforeTheTrackHasShownAPaceTheWindowIsTheMinimum() {
        SwitchWindow window = new SwitchWindow(Duration.ofMillis(50));
        window.observe(0, 0, 5_000, false);

        assertEquals(SwitchWindow.MIN_ROWS, window.rows());
        assertTrue(window.admits(SwitchWindow.MIN_ROWS));
        assertFalse(window.admits(SwitchWindow.MIN_ROWS + 1));
        assertTrue(window.admits(0));
    }

    @Test
    void theWindowIsWhatTheTrackProjectsInTheGivenTimeAtItsFastestPace() {
        SwitchWindow window = new SwitchWindow(Duration.ofMillis(50));
        window.observe(0, 0, 50_000, false);
        window.observe(500 * MS, 4_000, 46_000, false); // 8,000 rows/s
        window.observe(1_000 * MS, 5_000, 45_000, false); // 2,000 rows/s: the peak stays

        assertEquals(400, window.rows());
        assertTrue(window.admits(400));
        assertFalse(window.admits(401));
    }

    @Test
    void aPaceMeasuredOverTooShortASpanIsNotTaken() {
        SwitchWindow window = new SwitchWindow(Duration.ofMillis(50));
        window.observe(0, 0, 50_000, false);
        window.observe(10 * MS, 1_000, 49_000, false); // 100,000 rows/s over 10 ms: one batch's commit, not a pace

        assertEquals(SwitchWindow.MIN_ROWS, window.rows());
    }

    @Test
    void aTrackThatStaysNearWithoutReachingTheWindowWidensItEveryTenSeconds() {
        SwitchWindow window = paced(); // 4,000 rows/s: a window of 200
        window.observe(2 * WIDEN, 8_000, 50_000, false);
        assertEquals(200, window.rows(), "far behind: no widening however long it waits");

        long near = 2 * WIDEN + 1;
        window.observe(near, 8_001, 1_500, false);
        assertTrue(window.near(1_500));
        window.observe(near + WIDEN - 1, 48_000, 1_500, false);
        assertEquals(200, window.rows());
        window.observe(near + WIDEN, 48_001, 1_500, false);
        assertEquals(400, window.rows());
        window.observe(near + 3 * WIDEN, 48_002, 1_500, false);
        assertEquals(1_600, window.rows());
        assertTrue(window.admits(1_500));

        window.observe(near + 100 * WIDEN, 48_003, 1_500, false);
        assertEquals(200L << SwitchWindow.MAX_WIDENINGS, window.rows(), "widened at most 2^" + SwitchWindow.MAX_WIDENINGS);
    }

    @Test
    void fallingOutOfReachOrAPauseStartsTheTimeNearAgain() {
        SwitchWindow window = paced();
        window.observe(2_000 * MS, 8_000, 1_500, false);
        window.observe(2_000 * MS + WIDEN, 8_001, 1_500, false);
        assertEquals(400, window.rows());

        window.observe(2_000 * MS + WIDEN + 1, 8_002, 50_000, false); // a burst: out of reach
        window.observe(2_000 * MS + WIDEN + 2, 8_003, 1_500, false);
        assertEquals(200, window.rows(), "near again, from now");

        window.observe(2_000 * MS + 2 * WIDEN + 2, 8_004, 1_500, true); // paused near the live applier
        window.observe(2_000 * MS + 3 * WIDEN + 2, 8_005, 1_500, false);
        assertEquals(200, window.rows(), "the pause did not count");
    }

    @Test
    void aTryWaitsTenWindowsOfTheTracksWorkAndAtLeastHalfASecond() {
        SwitchWindow window = new SwitchWindow(Duration.ofMillis(100));
        window.observe(0, 0, 50_000, false);
        assertEquals(Duration.ofSeconds(1), window.catchUpWait(), "no pace yet: ten times within");
        assertEquals(SwitchWindow.MIN_CATCH_UP_WAIT, new SwitchWindow(Duration.ofMillis(20)).catchUpWait());

        SwitchWindow paced = paced(); // 4,000 rows/s, a window of 200 rows: 50 ms of work
        assertEquals(SwitchWindow.MIN_CATCH_UP_WAIT, paced.catchUpWait());
        paced.observe(2_000 * MS, 8_000, 1_500, false);
        paced.observe(2_000 * MS + 2 * WIDEN, 8_001, 1_500, false);
        assertEquals(Duration.ofSeconds(2), paced.catchUpWait(), "a window of 800 rows is 200 ms of work: ten of them");
    }

    @Test
    void onASlowTrackTheWaitFollowsTheRowsTheWindowHolds() {
        SwitchWindow window = new SwitchWindow(Duration.ofMillis(50));
        window.observe(0, 0, 50_000, false);
        window.observe(1_000 * MS, 50, 50_000, false); // 50 rows/s: the window is its minimum, 100 rows, 2 s of work

        assertEquals(SwitchWindow.MIN_ROWS, window.rows());
        assertEquals(Duration.ofSeconds(20), window.catchUpWait());
    }

    /** A window of 50 ms that has seen a pace of 4,000 rows a second, far behind. */
    private static SwitchWindow paced() {
        SwitchWindow window = new SwitchWindow(Duration.ofMillis(50));
        window.observe(0, 0, 50_000, false);
        window.observe(1_000 * MS, 4_000, 50_000, false);
        return window;
    }
}
