package io.tandem.applier;

import io.tandem.core.db.ApplierState;
import io.tandem.core.db.Backlog;
import io.tandem.core.db.LockNames;
import io.tandem.core.db.LockView;
import io.tandem.core.db.TrackRow;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.VersionDefinition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * An app's applier as the database sees it, read in one pass by {@code tandem status} and the metrics endpoint.
 *
 * @param app           the app
 * @param state         {@code running}, {@code paused} (held by a {@code tandem migrate} in progress),
 *                      {@code halted} or {@code stopped}; {@code stopped} also when the recorded leader's session is
 *                      gone (it died without saying so)
 * @param leader        {@code host/pid} of the leading applier, or null
 * @param leaderAlive   whether a session holds the leader lock right now
 * @param pending       committed journal rows of the app not yet applied (exact)
 * @param lagMillis     age of the oldest pending row, 0 when nothing is pending
 * @param rejects       rows in {@code tandem.rejects} for the app
 * @param unresolvedRejects of those, the ones not yet marked resolved ({@code tandem journal resolve}): the ones an
 *                      operator still has to look at
 * @param appliedRows   rows applied since the app's first batch
 * @param noopWrites    of those, the updates and deletes that matched no row (already deleted or never inserted)
 * @param appliedAt     when the applier last committed, or null
 * @param haltedReason  why it halted (with how to resume), or null
 * @param versions      the live versions
 */
public record ApplierStatus(String app, ApplierState state, String leader, boolean leaderAlive, long pending,
                            long lagMillis, long rejects, long unresolvedRejects, long appliedRows, long noopWrites, OffsetDateTime appliedAt,
                            String haltedReason, List<Integer> versions) {

    /**
     * Whether journal rows wait and no applier leads to apply them: every applier process is gone (or cannot reach
     * the database), so nothing will catch up until one is started. A halted applier is reported as halted instead.
     */
    public boolean unattended() {
        return state == ApplierState.STOPPED && pending > 0;
    }

    /** Reads the status of {@code app}'s applier. */
    public static ApplierStatus read(Connection c, String app) throws SQLException {
        TrackRow row = TrackRow.live(app);
        TrackRow.Report reported = row.reported(c);
        boolean alive = leaderAlive(c, app);
        Backlog backlog = row.backlog(c, null);
        long[] rejects = rejects(c, app);
        List<Integer> versions = VersionRegistry.live(c, app).stream().map(VersionDefinition::version).toList();
        return new ApplierStatus(app, state(reported, alive), alive ? reported.leader() : leaderIfHalted(reported),
                alive, backlog.rows(), backlog.oldestMillis(), rejects[0], rejects[1], reported.appliedRows(),
                reported.noopWrites(), reported.appliedAt(), reported.haltedReason(), versions);
    }

    /**
     * The state to report: stopped when no session holds the leader lock (the recorded leader died without saying
     * so), unless it halted; paused while a {@code tandem migrate} that announced it holds the applier still runs.
     */
    private static ApplierState state(TrackRow.Report reported, boolean alive) {
        if (!alive && reported.state() != ApplierState.HALTED) {
            return ApplierState.STOPPED;
        }
        if (reported.pauseAnnounced() && reported.state() == ApplierState.RUNNING) {
            return ApplierState.PAUSED; // held at a batch boundary by a `tandem migrate` that is still running
        }
        return reported.state();
    }

    private static String leaderIfHalted(TrackRow.Report reported) {
        return reported.state() == ApplierState.HALTED ? reported.leader() : null;
    }

    private static boolean leaderAlive(Connection c, String app) throws SQLException {
        return LockView.held(c, LockNames.applierLeader(app));
    }

    /** The app's reject rows, all and unresolved. */
    private static long[] rejects(Connection c, String app) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*), count(*) FILTER (WHERE resolved_at IS NULL)"
                + " FROM tandem.rejects WHERE app = ?")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }
}
