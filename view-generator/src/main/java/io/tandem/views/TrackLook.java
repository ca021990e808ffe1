package io.tandem.views;

import io.tandem.core.db.ReleaseState;
import io.tandem.core.db.TrackRow;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One look at an app's release track while a switch or a revert waits for it: the release's row and how many
 * journal rows the track is behind the live applier, read on one connection and fed to the {@link SwitchWindow}.
 * Both wait this way, holding nothing, until the track is near the window (a first try, which creates its views
 * while the track closes in) or within it.
 *
 * @param release the release's row
 * @param behind  journal rows the live applier has applied and the release track has not
 */
record TrackLook(ReleaseState release, long behind) {
    /** Looks, and feeds what it saw to {@code window}; empty when the app has no release in progress. */
    static Optional<TrackLook> take(DataSource dataSource, String app, SwitchWindow window) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Optional<ReleaseState> state = ReleaseState.find(c, app);
            if (state.isEmpty()) {
                return Optional.empty();
            }
            long behind = TrackRow.release(app).behindLive(c);
            window.observe(System.nanoTime(), state.get().appliedRows(), behind, state.get().paused());
            return Optional.of(new TrackLook(state.get(), behind));
        }
    }

    /**
     * Whether a switch may be tried now: the track within {@code window} and the moment {@code quiet}, whose locks are
     * watched from the time the track is near, so that it has watched them by the time the track is within.
     */
    boolean admits(SwitchWindow window, QuietMoment quiet) throws SQLException {
        return ready(window, quiet, false);
    }

    /**
     * Whether a switch may start preparing now ({@code early}: the track near the window, for the switch's first
     * part holds nothing and takes time, while the track closes in) or be tried now (the track within), the moment
     * {@code quiet} either way.
     */
    boolean ready(SwitchWindow window, QuietMoment quiet, boolean early) throws SQLException {
        if (window.near(behind)) {
            quiet.look();
        }
        return (early ? window.near(behind) : window.admits(behind)) && quiet.allows();
    }

    /**
     * What a switch asks once its views are created ({@link ReleaseSwitch.Ready}): a new look, and whether the release
     * is not paused, the track within {@code window} and the moment {@code quiet}.
     *
     * @param gone what to throw when the release is gone meanwhile (aborted)
     */
    static ReleaseSwitch.Ready ready(DataSource dataSource, String app, SwitchWindow window, QuietMoment quiet,
                                     Supplier<? extends RuntimeException> gone) {
        return () -> {
            TrackLook look = take(dataSource, app, window).orElseThrow(gone);
            return !look.release().paused() && look.admits(window, quiet);
        };
    }

    /**
     * Waits until the next look: 10 ms when the track is near the window, whose lag comes and goes with each batch it
     * projects, else 50 ms (counting how far behind it is reads the journal rows in between).
     */
    void pause(SwitchWindow window) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(window.near(behind) ? 10 : 50));
    }
}
