package io.tandem.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The committed journal rows of an app (optionally of one version) that the applier has not applied yet — exact,
 * read against the applier's position in {@code tandem.applier_state} in one statement.
 *
 * @param rows       how many
 * @param oldestMillis age of the oldest of them, 0 when there are none
 */
public record Backlog(long rows, long oldestMillis) {

    private static final String QUERY = """
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
            """;

    /** The backlog of {@code app}, of every version when {@code version} is null. */
    public static Backlog read(Connection c, String app, Integer version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(QUERY)) {
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
}
