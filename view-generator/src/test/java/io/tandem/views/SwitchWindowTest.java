package io.tandem.views;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwitchWindowTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void beforeTheTrackHasShownAPaceTheWindowIsTheMinimum() {
        SwitchWindow window = new SwitchWindow(Duration.ofMillis(50));
        window.observe(0, 0, 5_000);

        assertEquals(SwitchWindow.MIN_ROWS, window.rows());
        assertTrue(window.admits(SwitchWindow.MIN_ROWS));
        assertFalse(window.admits(SwitchWindow.MIN_ROWS + 1));
    }

    @Test
    void theWindowIsWhatTheTrackProjectsInTheGivenTimeAtItsFastestPace() {
        SwitchWindow window = new SwitchWindow(Duration.ofMillis(50));
        window.observe(0, 0, 50_000);
        window.observe(500 * MS, 4_000, 46_000); // 8,000 rows/s
        window.observe(1_000 * MS, 5_000, 45_000); // 2,000 rows/s: the peak stays

        assertEquals(400, window.rows());
        assertTrue(window.admits(400));
        assertFalse(window.admits(401));
    }

    @Test
    void aPaceMeasuredOverTooShortASpanIsNotTaken() {
        SwitchWindow window = new SwitchWindow(Duration.ofMillis(50));
        window.observe(0, 0, 50_000);
        window.observe(10 * MS, 1_000, 49_000); // 100,000 rows/s over 10 ms: one batch's commit, not a pace

        assertEquals(SwitchWindow.MIN_ROWS, window.rows());
    }

    @Test
    void aTrackThatStaysNearWithoutReachingTheWindowWidensItEveryTenSeconds() {
        SwitchWindow window = new SwitchWindow(Duration.ofMillis(50));
        long widen = SwitchWindow.WIDEN_AFTER.toNanos();
        window.observe(0, 0, 50_000);
        window.observe(1_000 * MS, 4_000, 50_000); // 4,000 rows/s: a window of 200, far from it
        window.observe(2 * widen, 8_000, 50_000);
        assertEquals(200, window.rows(), "far behind: no widening however long it waits");

        long near = 2 * widen + 1;
        window.observe(near, 8_001, 1_500);
        assertTrue(window.near(1_500));
        window.observe(near + widen - 1, 48_000, 1_500);
        assertEquals(200, window.rows());
        window.observe(near + widen, 48_001, 1_500);
        assertEquals(400, window.rows());
        window.observe(near + 3 * widen, 48_002, 1_500);
        assertEquals(1_600, window.rows());
        assertTrue(window.admits(1_500));
    }

    @Test
    void aTryWaitsTenWindowsForTheTrackAndAtLeastHalfASecond() {
        assertEquals(SwitchWindow.MIN_CATCH_UP_WAIT, new SwitchWindow(Duration.ofMillis(20)).catchUpWait());
        SwitchWindow window = new SwitchWindow(Duration.ofMillis(100));
        assertEquals(Duration.ofSeconds(1), window.catchUpWait());

        window.observe(0, 0, 500);
        window.observe(SwitchWindow.WIDEN_AFTER.toNanos(), 1, 500); // near for ten seconds without reaching it
        assertEquals(Duration.ofSeconds(2), window.catchUpWait(), "the wait widens with the window");
    }
}
