package io.tandem.views;

import io.tandem.core.TandemException;
import io.tandem.core.db.ApplierState;
import io.tandem.core.db.Backlog;
import io.tandem.core.db.LockNames;
import io.tandem.core.db.LockView;
import io.tandem.core.db.TrackRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces the build's copy, between chunks: at most {@code rowsPerSecond} (0: no limit), not while the live applier
 * is more than {@code maxLag} behind (the copy competes with it for the same disks and cores; like gh-ost's max-lag,
 * the copy yields to the live traffic), not while the release is paused ({@code tandem release pause}), and not at
 * all once the release was aborted or the live applier halted (it would not catch up until an operator acts).
 */
final class BuildThrottle {
    /** The release was aborted (its row is gone) while it was being built. */
    static final class Aborted extends TandemException {
        private static final long serialVersionUID = 1L;

        Aborted(String app) {
            super("The release of app '" + app + "' was aborted (tandem release abort) while it was being built;"
                    + " the build was rolled back and the live schema is unchanged.");
        }
    }

    private final long rowsPerSecond;
    private final Duration maxLag;
    private final MigrationProgress progress;
    private long waitingSince;

    BuildThrottle(long rowsPerSecond, Duration maxLag, MigrationProgress progress) {
        this.rowsPerSecond = rowsPerSecond;
        this.maxLag = maxLag;
        this.progress = progress;
    }

    long rowsPerSecond() {
        return rowsPerSecond;
    }

    /** Waits until the next chunk may go, looking at the release and the live applier through {@code side}. */
    void await(Connection side, String app, BuildCopy.Progress copied) throws SQLException {
        while (true) {
            Boolean paused = paused(side, app);
            if (paused == null) {
                throw new Aborted(app);
            }
            String reason = paused ? "the release is paused (tandem release resume --app " + app + ")" : null;
            if (reason == null) {
                Backlog backlog = TrackRow.live(app).backlog(side, null);
                if (backlog.oldestMillis() > maxLag.toMillis()) {
                    failIfHalted(side, app, backlog);
                    reason = "the live applier is " + backlog.oldestMillis() + " ms behind (limit "
                            + maxLag.toMillis() + " ms)" + (LockView.held(side, LockNames.applierLeader(app)) ? ""
                            : ", and no applier leads app " + app + ": start one (tandem applier --app " + app + ")");
                }
            }
            if (reason == null && rowsPerSecond > 0 && copied.rowsPerSecond() > rowsPerSecond) {
                reason = ""; // over the rate: a short wait, not worth a line
            }
            if (reason == null) {
                waitingSince = 0;
                return;
            }
            if (!reason.isEmpty() && (waitingSince == 0
                    || System.nanoTime() - waitingSince > TimeUnit.SECONDS.toNanos(10))) {
                waitingSince = System.nanoTime();
                progress.step("copy waits: " + reason);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(reason.isEmpty() ? 20 : 200));
        }
    }

    /**
     * Fails the copy when the live applier it waits for halted: nothing applies the journal until an operator deals
     * with the transaction it halted at, so the wait would not end by itself.
     */
    private static void failIfHalted(Connection side, String app, Backlog backlog) throws SQLException {
        TrackRow.Report live = TrackRow.live(app).reported(side);
        if (live.state() == ApplierState.HALTED) {
            throw new TandemException("The release of app '" + app + "' cannot copy on: the live applier is halted ("
                    + live.haltedReason() + ") and " + backlog.rows() + " row(s) wait, the oldest "
                    + backlog.oldestMillis() + " ms; `tandem status --app " + app + "` says what to do. The live"
                    + " schema is unchanged; once the applier runs again, the same tandem migrate resumes the release"
                    + " (or tandem release abort --app " + app + " drops it).");
        }
    }

    /** The release's paused flag, or null when it no longer exists. */
    static Boolean paused(Connection c, String app) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT paused FROM tandem.releases WHERE app = ?")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getBoolean(1) : null;
            }
        }
    }
}
