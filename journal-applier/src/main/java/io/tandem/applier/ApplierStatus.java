package io.tandem.applier;

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
 * @param state         {@code running}, {@code paused}, {@code halted} or {@code stopped}; {@code stopped} also
 *                      when the recorded leader's session is gone (it died without saying so)
 * @param leader        {@code host/pid} of the leading applier, or null
 * @param leaderAlive   whether a session holds the leader lock right now
 * @param pending       committed journal rows of the app not yet applied (exact)
 * @param lagMillis     age of the oldest pending row, 0 when nothing is pending
 * @param rejects       rows in {@code tandem.rejects} for the app
 * @param appliedRows   rows applied since the app's first batch
 * @param appliedAt     when the applier last committed, or null
 * @param haltedReason  why it halted (with how to resume), or null
 * @param versions      the live versions
 */
public record ApplierStatus(String app, String state, String leader, boolean leaderAlive, long pending,
                            long lagMillis, long rejects, long appliedRows, OffsetDateTime appliedAt,
                            String haltedReason, List<Integer> versions) {

    private static final String PENDING = """
            SELECT count(*), coalesce((extract(epoch FROM clock_timestamp() - min(p.written_at)) * 1000)::bigint, 0)
              FROM (SELECT j.txid, j.written_at, max(j.seq) OVER (PARTITION BY j.txid) AS group_max
                      FROM tandem.journal j
                     WHERE j.app = ?
                       AND j.txid >= pg_snapshot_xmin(?::pg_snapshot)
                       AND NOT pg_visible_in_snapshot(j.txid, ?::pg_snapshot)) p
             WHERE NOT (?::pg_snapshot IS NOT NULL AND pg_visible_in_snapshot(p.txid, ?::pg_snapshot)
                        AND p.group_max <= ?)
            """;

    /** Reads the status of {@code app}'s applier. */
    public static ApplierStatus read(Connection c, String app) throws SQLException {
        String state = "stopped";
        String leader = null;
        String applied = "1:1:";
        String batch = null;
        long doneSeq = 0;
        long appliedRows = 0;
        OffsetDateTime appliedAt = null;
        String halted = null;
        try (PreparedStatement s = c.prepareStatement("SELECT state, leader, applied_snapshot::text, batch_snapshot::text,"
                + " batch_done_seq, applied_rows, applied_at, halted_reason FROM tandem.applier_state WHERE app = ?")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    state = rs.getString(1);
                    leader = rs.getString(2);
                    applied = rs.getString(3);
                    batch = rs.getString(4);
                    doneSeq = rs.getLong(5);
                    appliedRows = rs.getLong(6);
                    appliedAt = rs.getObject(7, OffsetDateTime.class);
                    halted = rs.getString(8);
                }
            }
        }
        boolean alive = leaderAlive(c, app);
        if (!alive && !"halted".equals(state)) {
            state = "stopped";
            leader = null;
        }
        long pending;
        long lag;
        try (PreparedStatement s = c.prepareStatement(PENDING)) {
            s.setString(1, app);
            s.setString(2, applied);
            s.setString(3, applied);
            s.setString(4, batch);
            s.setString(5, batch);
            s.setLong(6, doneSeq);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                pending = rs.getLong(1);
                lag = rs.getLong(2);
            }
        }
        List<Integer> versions = new ArrayList<>();
        VersionRegistry.live(c, app).forEach(v -> versions.add(v.version()));
        return new ApplierStatus(app, state, leader, alive, pending, lag, rejects(c, app), appliedRows, appliedAt,
                halted, List.copyOf(versions));
    }

    private static boolean leaderAlive(Connection c, String app) throws SQLException {
        // pg_locks shows a bigint advisory key as (classid, objid) = (high 32 bits, low 32 bits), objsubid 1.
        try (PreparedStatement s = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks l,"
                + " (SELECT hashtextextended('tandem-applier:' || ?, 0) AS k) h"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND l.classid::bigint = (h.k >> 32) & 4294967295 AND l.objid::bigint = h.k & 4294967295)")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
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
