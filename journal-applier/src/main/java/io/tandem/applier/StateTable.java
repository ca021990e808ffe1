package io.tandem.applier;

import io.tandem.core.ApplierPosition;
import io.tandem.core.Snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The applier's row in {@code tandem.applier_state}: its position, its leadership epoch and its reported state.
 *
 * <p>Every write that moves the position happens inside the target transaction that applied the rows, after
 * {@link #lock} took the row: the position and the applied rows commit or roll back together (exactly once).
 */
final class StateTable {
    private final String app;

    StateTable(String app) {
        this.app = app;
    }

    /** What {@link #lock} finds: the epoch that may write, and the definitions generation to apply with. */
    record Locked(long epoch, long definitionsGeneration) {
    }

    /** Creates the app's row if it does not exist yet (position: nothing applied). */
    void ensure(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO tandem.applier_state (app) VALUES (?) ON CONFLICT (app) DO NOTHING")) {
            s.setString(1, app);
            s.executeUpdate();
        }
    }

    /** Takes the lead: a new epoch, so slices read under an older one can no longer commit. */
    long claim(Connection c, String leader) throws SQLException {
        ensure(c);
        try (PreparedStatement s = c.prepareStatement("UPDATE tandem.applier_state SET leader_epoch = leader_epoch + 1,"
                + " leader = ?, state = 'running', heartbeat_at = now(), halted_reason = NULL, halted_txid = NULL"
                + " WHERE app = ? RETURNING leader_epoch")) {
            s.setString(1, leader);
            s.setString(2, app);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    ApplierPosition position(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT applied_snapshot::text, batch_snapshot::text, batch_done_seq"
                + " FROM tandem.applier_state WHERE app = ?")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return ApplierPosition.start();
                }
                return ApplierPosition.parse(rs.getString(1), rs.getString(2), rs.getLong(3));
            }
        }
    }

    /** Locks the row for the current transaction (waits while {@code tandem migrate} holds it). */
    Locked lock(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT leader_epoch, definitions_generation"
                + " FROM tandem.applier_state WHERE app = ? FOR UPDATE")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("tandem.applier_state has no row for app '" + app + "'");
                }
                return new Locked(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /**
     * Moves the position past {@code txs} of the batch up to {@code target} (completing it when
     * {@code completesBatch}), counts the rows, and notifies fence waiters on commit.
     */
    void advance(Connection c, Snapshot target, boolean completesBatch, long lastMaxSeq, int rows) throws SQLException {
        String sql = completesBatch
                ? "UPDATE tandem.applier_state SET applied_snapshot = ?::pg_snapshot, batch_snapshot = NULL,"
                  + " batch_done_seq = NULL, applied_rows = applied_rows + ?, applied_at = now(), heartbeat_at = now(),"
                  + " state = 'running' WHERE app = ?"
                : "UPDATE tandem.applier_state SET batch_snapshot = ?::pg_snapshot, batch_done_seq = " + lastMaxSeq
                  + ", applied_rows = applied_rows + ?, applied_at = now(), heartbeat_at = now(), state = 'running'"
                  + " WHERE app = ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, target.toString());
            s.setLong(2, rows);
            s.setString(3, app);
            s.executeUpdate();
        }
        notifyFences(c);
    }

    /** Records that the applier halted before transaction {@code txid}, and why. */
    void halt(Connection c, long txid, String reason) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE tandem.applier_state SET state = 'halted',"
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
        try (PreparedStatement s = c.prepareStatement("UPDATE tandem.applier_state SET state = ?,"
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
        try (PreparedStatement s = c.prepareStatement("SELECT pg_notify('tandem_applied', ?)")) {
            s.setString(1, app);
            s.execute();
        }
    }
}
