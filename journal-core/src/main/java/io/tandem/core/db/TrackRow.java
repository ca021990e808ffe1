package io.tandem.core.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * A track's row, and the one class that reads or writes {@code tandem.applier_state}: the position, the leadership
 * epoch, the reported state, the definitions generation and the pause handshake of {@code tandem migrate}. The live
 * track's row is the app's row in {@code tandem.applier_state}; the release track's is the app's row in
 * {@code tandem.releases}, which has the same columns for the position, the epoch and the state
 * (docs/tandem-schema.md), so one class serves both and the release's own columns stay with the release
 * ({@link ReleaseState}).
 *
 * <p>Every write that moves the position happens inside the target transaction that applied the rows, after
 * {@link #lock} took the row: the position and the applied rows commit or roll back together (exactly once).
 * Taking the same lock from outside ({@link #hold}) is how a release holds the applier at a batch boundary.
 *
 * <p>Every value is bound; the only text spliced into a statement is the table's name, one of two constants.
 * An app login never reads this table: its window is {@code tandem.role_applier_state}, which {@code Fence} reads.
 */
public final class TrackRow {
    private static final String LIVE = "tandem.applier_state";
    private static final String RELEASE = "tandem.releases";

    private final String table;
    private final String app;

    private TrackRow(String table, String app) {
        this.table = table;
        this.app = app;
    }

    /** The app's live position, which fences wait on ({@code tandem.applier_state}). */
    public static TrackRow live(String app) {
        return new TrackRow(LIVE, app);
    }

    /** The position of the app's release in progress ({@code tandem.releases}); fences never wait on it. */
    public static TrackRow release(String app) {
        return new TrackRow(RELEASE, app);
    }

    /** What {@link #lock} finds: the epoch that may write, and the definitions generation to apply with. */
    public record Locked(long epoch, long definitionsGeneration) {
    }

    /**
     * The live row as {@code tandem status} reports it.
     *
     * @param state          as stored: running, paused, halted or stopped
     * @param leader         {@code host/pid} of the leader that last claimed the row, or null
     * @param appliedRows    rows applied since the app's first batch
     * @param noopWrites     of those, the updates and deletes that matched no row
     * @param appliedAt      when the applier last committed, or null
     * @param haltedReason   why it halted, or null
     * @param pauseAnnounced a {@code tandem migrate} announced it holds the applier, and its session still lives
     */
    public record Report(ApplierState state, String leader, long appliedRows, long noopWrites,
                         OffsetDateTime appliedAt, String haltedReason, boolean pauseAnnounced) {
        /** The report of an app whose applier never ran. */
        static Report none() {
            return new Report(ApplierState.STOPPED, null, 0, 0, null, null, false);
        }
    }

    /** Creates the live row if it does not exist yet (position: nothing applied); a release's row is left alone. */
    public void ensure(Connection c) throws SQLException {
        if (!isLive()) {
            return; // a release's row is created by tandem migrate, and its absence means there is nothing to follow
        }
        execute(c, "INSERT INTO tandem.applier_state (app) VALUES (?) ON CONFLICT (app) DO NOTHING");
    }

    /** Takes the lead: a new epoch, so slices read under an older one can no longer commit. */
    public long claim(Connection c, String leader) throws SQLException {
        ensure(c);
        try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET leader_epoch = leader_epoch + 1,"
                + " leader = ?, state = ?, heartbeat_at = now(), halted_reason = NULL, halted_txid = NULL"
                + " WHERE app = ? RETURNING leader_epoch")) {
            s.setString(1, leader);
            s.setString(2, ApplierState.RUNNING.sql());
            s.setString(3, app);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException(table + " has no row for app '" + app + "'");
                }
                return rs.getLong(1);
            }
        }
    }

    /** The committed position (nothing applied when there is no row yet). */
    public ApplierPosition position(Connection c) throws SQLException {
        ApplierPosition position = readPosition(c, "");
        return position == null ? ApplierPosition.start() : position;
    }

    /**
     * Locks the row for the current transaction (waits while {@code tandem migrate} holds it); null when the row is
     * gone (a release finished, reverted or aborted).
     */
    public Locked lock(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT leader_epoch, definitions_generation"
                + " FROM " + table + " WHERE app = ? FOR UPDATE")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new Locked(rs.getLong(1), rs.getLong(2)) : null;
            }
        }
    }

    /**
     * Locks the row for the current transaction and returns the position it holds still; null when the row is
     * gone. What a switch compares with the live position once neither track can move.
     */
    public ApplierPosition lockPosition(Connection c) throws SQLException {
        return readPosition(c, " FOR UPDATE");
    }

    /**
     * Holds this track at a batch boundary for the rest of the caller's transaction: waits, at most
     * {@code lockTimeout}, for the slice in flight to commit, after which the applier cannot start another until
     * this transaction ends. It resumes on its own after the commit (on the new definitions, when the caller bumped
     * their generation) or after a rollback (on the old ones). When no applier runs the lock is simply free, and
     * writers never touch the row, so they never wait for it.
     *
     * <p>The transaction's {@code lock_timeout} is set first, so neither this lock nor the DDL after it can queue
     * behind a long-running transaction (and make everyone else queue behind the caller) for longer than it.
     */
    public void hold(Connection c, Duration lockTimeout) throws SQLException {
        LockTimeout.set(c, lockTimeout);
        lock(c);
    }

    /**
     * Moves the position past {@code txs} of the batch up to {@code target} (completing it when
     * {@code completesBatch}), counts the rows and those that wrote nothing, and notifies fence waiters on commit.
     */
    public void advance(Connection c, Snapshot target, boolean completesBatch, long lastMaxSeq, int rows,
                        int noopWrites) throws SQLException {
        // One statement text for both cases, every value bound: a completed batch clears the partial position.
        try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET"
                + " applied_snapshot = CASE WHEN ? THEN ?::pg_snapshot ELSE applied_snapshot END,"
                + " batch_snapshot = CASE WHEN ? THEN NULL ELSE ?::pg_snapshot END,"
                + " batch_done_seq = CASE WHEN ? THEN NULL ELSE ?::bigint END,"
                + " applied_rows = applied_rows + ?, noop_writes = noop_writes + ?, applied_at = now(),"
                + " heartbeat_at = now(), state = ?"
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
            s.setString(9, ApplierState.RUNNING.sql());
            s.setString(10, app);
            s.executeUpdate();
        }
        notifyFences(c);
    }

    /** Records that the applier halted before transaction {@code txid}, and why. */
    public void halt(Connection c, long txid, String reason) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET state = ?,"
                + " halted_reason = ?, halted_txid = ?::text::xid8, heartbeat_at = now() WHERE app = ?")) {
            s.setString(1, ApplierState.HALTED.sql());
            s.setString(2, reason);
            s.setLong(3, txid);
            s.setString(4, app);
            s.executeUpdate();
        }
        notifyFences(c);
    }

    /**
     * Records a state change ({@code running}, {@code paused}, {@code stopped}) of the leader of {@code epoch}; a
     * halted row keeps its state until a leader claims it again.
     */
    public void report(Connection c, long epoch, ApplierState state) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET state = ?,"
                + " leader = CASE WHEN ? THEN NULL ELSE leader END, heartbeat_at = now()"
                + " WHERE app = ? AND leader_epoch = ? AND state <> ?")) {
            s.setString(1, state.sql());
            s.setBoolean(2, state == ApplierState.STOPPED);
            s.setString(3, app);
            s.setLong(4, epoch);
            s.setString(5, ApplierState.HALTED.sql());
            s.executeUpdate();
        }
    }

    /** The row as {@code tandem status} reports it; an app whose applier never ran is reported stopped. */
    public Report reported(Connection c) throws SQLException {
        requireLive("reported");
        try (PreparedStatement s = c.prepareStatement("SELECT state, leader, applied_rows, noop_writes, applied_at,"
                + " halted_reason, pause_requested_by IS NOT NULL AND EXISTS (SELECT 1 FROM pg_stat_activity"
                + " WHERE application_name = ?) FROM tandem.applier_state WHERE app = ?")) {
            s.setString(1, LockNames.migrate(app));
            s.setString(2, app);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Report.none();
                }
                return new Report(ApplierState.of(rs.getString(1)), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.getObject(5, OffsetDateTime.class), rs.getString(6), rs.getBoolean(7));
            }
        }
    }

    /** The definitions generation (0 before any version was saved). */
    public long generation(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT definitions_generation FROM " + table + " WHERE app = ?")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * Bumps the live definitions generation in the caller's transaction (creating the row if need be), so a
     * running applier reloads the definitions exactly when that transaction commits.
     */
    void bumpGeneration(Connection c) throws SQLException {
        requireLive("bumpGeneration");
        execute(c, "INSERT INTO tandem.applier_state AS a (app, definitions_generation) VALUES (?, 1)"
                + " ON CONFLICT (app) DO UPDATE SET definitions_generation = a.definitions_generation + 1");
    }

    /**
     * Records, on a connection the caller keeps open for the whole release, that a release is holding the app's
     * applier: {@link #reported} says {@code pauseAnnounced} while this session lives. Creates the row if
     * need be, so that there is a row for {@link #hold} to lock.
     */
    public void announcePause(Connection c) throws SQLException {
        requireLive("announcePause");
        ensure(c);
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.set_config('application_name', ?, false)")) {
            s.setString(1, LockNames.migrate(app));
            s.execute();
        }
        execute(c, "UPDATE tandem.applier_state SET pause_requested_by ="
                + " 'tandem migrate (backend ' || pg_backend_pid() || ')', pause_requested_at = now() WHERE app = ?");
    }

    /** Clears what {@link #announcePause} recorded, noting when the applier was let go. */
    public void withdrawPause(Connection c) throws SQLException {
        requireLive("withdrawPause");
        execute(c, "UPDATE tandem.applier_state SET pause_requested_by = NULL, pause_requested_at = NULL,"
                + " paused_at = now() WHERE app = ?");
    }

    /**
     * The committed journal rows of the app (of one version, unless {@code version} is null) that the live track
     * has not applied yet — exact, read against its position in one statement.
     */
    public Backlog backlog(Connection c, Integer version) throws SQLException {
        requireLive("backlog");
        try (PreparedStatement s = c.prepareStatement("""
                SELECT count(*), coalesce((extract(epoch FROM clock_timestamp() - min(p.written_at)) * 1000)::bigint, 0)
                  FROM (SELECT coalesce(s.applied_snapshot, '1:1:') AS applied, s.batch_snapshot AS batch,
                               s.batch_done_seq AS done
                          FROM (SELECT 1) one LEFT JOIN tandem.applier_state s ON s.app = ?) pos,
                       LATERAL (SELECT j.txid, j.written_at, j.app_version,
                                       max(j.seq) OVER (PARTITION BY j.txid) AS group_max
                                  FROM tandem.journal j
                                 WHERE j.app = ?
                                   AND j.txid >= pg_snapshot_xmin(pos.applied)
                                   AND NOT pg_visible_in_snapshot(j.txid, pos.applied)) p
                 WHERE NOT (pos.batch IS NOT NULL AND pg_visible_in_snapshot(p.txid, pos.batch) AND p.group_max <= pos.done)
                   AND (?::int IS NULL OR p.app_version = ?::int)
                """)) {
            s.setString(1, app);
            s.setString(2, app);
            s.setObject(3, version);
            s.setObject(4, version);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Backlog(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /**
     * Journal rows the live track has applied and this release track has not projected yet: how far the release
     * track is behind (0 when it has caught up, or when no release is in progress).
     */
    public long behindLive(Connection c) throws SQLException {
        requireRelease("behindLive");
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM tandem.releases r"
                + " JOIN tandem.applier_state a ON a.app = r.app JOIN tandem.journal j ON j.app = r.app"
                + " WHERE r.app = ? AND j.txid >= pg_snapshot_xmin(r.applied_snapshot)"
                + " AND NOT pg_visible_in_snapshot(j.txid, r.applied_snapshot)"
                + " AND pg_visible_in_snapshot(j.txid, a.applied_snapshot)")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** One {@code NOTIFY tandem_applied} for the fences, delivered when the caller's transaction commits. */
    private void notifyFences(Connection c) throws SQLException {
        if (!isLive()) {
            return;
        }
        execute(c, "SELECT pg_notify('tandem_applied', ?)");
    }

    /** The row's position, read with {@code suffix} ({@code ""} or {@code " FOR UPDATE"}); null when there is no row. */
    private ApplierPosition readPosition(Connection c, String suffix) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT applied_snapshot::text, batch_snapshot::text,"
                + " batch_done_seq FROM " + table + " WHERE app = ?" + suffix)) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? ApplierPosition.parse(rs.getString(1), rs.getString(2), rs.getLong(3)) : null;
            }
        }
    }

    /** Runs {@code sql}, whose one parameter is the app. */
    private void execute(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, app);
            s.execute();
        }
    }

    private boolean isLive() {
        return table.equals(LIVE);
    }

    private void requireLive(String operation) {
        if (!isLive()) {
            throw new IllegalStateException(operation + " is an operation on the live track's row, not " + table);
        }
    }

    private void requireRelease(String operation) {
        if (isLive()) {
            throw new IllegalStateException(operation + " is an operation on the release track's row, not " + table);
        }
    }
}
