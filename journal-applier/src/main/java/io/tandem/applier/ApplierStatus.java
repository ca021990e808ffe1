package io.tandem.applier;

import io.tandem.core.Backlog;
import io.tandem.core.LockNames;
import io.tandem.core.LockView;
import io.tandem.core.VersionRegistry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
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
 * @param appliedRows   rows applied since the app's first batch
 * @param noopWrites    of those, the updates and deletes that matched no row (already deleted or never inserted)
 * @param appliedAt     when the applier last committed, or null
 * @param haltedReason  why it halted (with how to resume), or null
 * @param versions      the live versions
 */
public record ApplierStatus(String app, ApplierState state, String leader, boolean leaderAlive, long pending,
                            long lagMillis, long rejects, long appliedRows, long noopWrites, OffsetDateTime appliedAt,
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
        String state = "stopped";
        String leader = null;
        long appliedRows = 0;
        long noopWrites = 0;
        OffsetDateTime appliedAt = null;
        String halted = null;
        boolean releasing = false;
        try (PreparedStatement s = c.prepareStatement("SELECT state, leader, applied_rows, applied_at, halted_reason,"
                + " pause_requested_by IS NOT NULL AND EXISTS (SELECT 1 FROM pg_stat_activity"
                + " WHERE application_name = ?), noop_writes"
                + " FROM tandem.applier_state WHERE app = ?")) {
            s.setString(1, LockNames.migrate(app));
            s.setString(2, app);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    state = rs.getString(1);
                    leader = rs.getString(2);
                    appliedRows = rs.getLong(3);
                    appliedAt = rs.getObject(4, OffsetDateTime.class);
                    halted = rs.getString(5);
                    releasing = rs.getBoolean(6);
                    noopWrites = rs.getLong(7);
                }
            }
        }
        boolean alive = leaderAlive(c, app);
        if (!alive && !"halted".equals(state)) {
            state = "stopped";
            leader = null;
        } else if (releasing && "running".equals(state)) {
            state = "paused"; // held at a batch boundary by a `tandem migrate` that is still running
        }
        Backlog backlog = Backlog.read(c, app, null);
        List<Integer> versions = new ArrayList<>();
        VersionRegistry.live(c, app).forEach(v -> versions.add(v.version()));
        return new ApplierStatus(app, ApplierState.of(state), leader, alive, backlog.rows(), backlog.oldestMillis(), rejects(c, app), appliedRows, noopWrites, appliedAt,
                halted, List.copyOf(versions));
    }

    private static boolean leaderAlive(Connection c, String app) throws SQLException {
        return LockView.held(c, LockNames.applierLeader(app));
    }

    private static long rejects(Connection c, String app) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM tandem.rejects WHERE app = ?")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
