package io.tandem.applier;

import io.tandem.core.ApplierPosition;
import io.tandem.core.Snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A track's row: its position, its leadership epoch and its reported state. The live track's row is the app's
 * row in {@code tandem.applier_state}; the release track's is the app's row in {@code tandem.releases}, which has
 * the same columns for these (docs/tandem-schema.md).
 *
 * <p>Every write that moves the position happens inside the target transaction that applied the rows, after
 * {@link #lock} took the row: the position and the applied rows commit or roll back together (exactly once).
 */
final class StateTable {
    private final String table;
    private final String app;
    private final boolean notifies;

    private StateTable(String table, String app, boolean notifies) {
        this.table = table;
        this.app = app;
        this.notifies = notifies;
    }

    /** The app's live position, which fences wait on ({@code tandem.applier_state}). */
    static StateTable live(String app) {
        return new StateTable("tandem.applier_state", app, true);
    }

    /** The position of the app's release in progress ({@code tandem.releases}); fences never wait on it. */
    static StateTable release(String app) {
        return new StateTable("tandem.releases", app, false);
    }

    /** What {@link #lock} finds: the epoch that may write, and the definitions generation to apply with. */
    record Locked(long epoch, long definitionsGeneration) {
    }

    /** Creates the app's row if it does not exist yet (position: nothing applied). */
    void ensure(Connection c) throws SQLException {
        if (!notifies) {
            return; // a release's row is created by tandem migrate, and its absence means there is nothing to follow
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO tandem.applier_state (app) VALUES (?) ON CONFLICT (app) DO NOTHING")) {
            s.setString(1, app);
            s.executeUpdate();
        }
    }

    /** Takes the lead: a new epoch, so slices read under an older one can no longer commit. */
    long claim(Connection c, String leader) throws SQLException {
        ensure(c);
        try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET leader_epoch = leader_epoch + 1,"
                + " leader = ?, state = 'running', heartbeat_at = now(), halted_reason = NULL, halted_txid = NULL"
                + " WHERE app = ? RETURNING leader_epoch")) {
            s.setString(1, leader);
            s.setString(2, app);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException(table + " has no row for app '" + app + "'");
                }
                return rs.getLong(1);
            }
        }
    }

    ApplierPosition position(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT applied_snapshot::text, batch_snapshot::text, batch_done_seq"
                + " FROM " + table + " WHERE app = ?")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return ApplierPosition.start();
                }
                return ApplierPosition.parse(rs.getString(1), rs.getString(2), rs.getLong(3));
            }
        }
    }

    /**
     * Locks the row for the current transaction (waits while {@code tandem migrate} holds it); null when the row is
     * gone (a release finished, reverted or aborted).
     */
    Locked lock(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT leader_epoch, definitions_generation"
                + " FROM " + table + " WHERE app = ? FOR UPDATE")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new Locked(rs.getLong(1), rs.getLong(2)) : null;
            }
        }
    }

    /**
     * Moves the position past {@code txs} of the batch up to {@code target} (completing it when
     * {@code completesBatch}), counts the rows and those that wrote nothing, and notifies fence waiters on commit.
     */
    void advance(Connection c, Snapshot target, boolean completesBatch, long lastMaxSeq, int rows, int noopWrites)
            throws SQLException {
        // One statement text for both cases, every value bound: a completed batch clears the partial position.
        try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET"
                + " applied_snapshot = CASE WHEN ? THEN ?::pg_snapshot ELSE applied_snapshot END,"
                + " batch_snapshot = CASE WHEN ? THEN NULL ELSE ?::pg_snapshot END,"
                + " batch_done_seq = CASE WHEN ? THEN NULL ELSE ?::bigint END,"
                + " applied_rows = applied_rows + ?, noop_writes = noop_writes + ?, applied_at = now(),"
                + " heartbeat_at = now(), state = 'running'"
                + " WHERE app = ?")) {
            String snapshot = target.toString();
            s.setBoolean(1, completesBatch);
            s.setString(2, snapshot);
            s.setBoolean(3, completesBatch);
            s.setString(4, snapshot);
            s.setBoolean(5, completesBatch);
            s.setLong(6, lastMaxSeq);
            s.setLong(7, rows);
            s.setLong(8, noopWrites);
            s.setString(9, app);
            s.executeUpdate();
        }
        notifyFences(c);
    }

    /** Records that the applier halted before transaction {@code txid}, and why. */
    void halt(Connection c, long txid, String reason) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET state = 'halted',"
                + " halted_reason = ?, halted_txid = ?::text::xid8, heartbeat_at = now() WHERE app = ?")) {
            s.setString(1, reason);
            s.setLong(2, txid);
            s.setString(3, app);
            s.executeUpdate();
        }
        notifyFences(c);
    }

    /** Records a state change ({@code running}, {@code paused}, {@code stopped}) of the leader of {@code epoch}. */
    void report(Connection c, long epoch, ApplierState state) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET state = ?,"
                + " leader = CASE WHEN ? = 'stopped' THEN NULL ELSE leader END, heartbeat_at = now()"
                + " WHERE app = ? AND leader_epoch = ? AND state <> 'halted'")) {
            s.setString(1, state.sql());
            s.setString(2, state.sql());
            s.setString(3, app);
            s.setLong(4, epoch);
            s.executeUpdate();
        }
    }

    /** One {@code NOTIFY tandem_applied} for the fences, delivered when the caller's transaction commits. */
    private void notifyFences(Connection c) throws SQLException {
        if (!notifies) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT pg_notify('tandem_applied', ?)")) {
            s.setString(1, app);
            s.execute();
        }
    }
}
