package io.tandem.spring;

import io.tandem.core.db.LockNames;
import io.tandem.core.db.LockView;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tandem's health for one app instance, read as the app's own login (a member of its version's role), through what
 * that role may read: its version's definition ({@code tandem.role_versions}), the applier's state and position
 * ({@code tandem.role_applier_state}), its app's journal rows ({@code tandem.role_journal}) and whether a session
 * holds the applier's leader lock ({@code pg_locks}, readable by every role). Each Spring Boot line's health
 * indicator reports it; this class uses no API of either.
 * <ul>
 *   <li><b>DOWN</b>: the version is not live (or the login is not a member of its role), the applier halted, or no
 *       applier leads the app (none runs, or the leader was killed: its lock goes with its session, so the next
 *       check shows it) — writes are journaled, but nothing is applied, and fenced commits time out;</li>
 *   <li><b>OUT_OF_SERVICE</b>: the oldest journal row not applied yet is older than {@code tandem.health.max-lag};</li>
 *   <li><b>UP</b> otherwise.</li>
 * </ul>
 * Details: {@code app}, {@code version}, {@code leader}, {@code state}, {@code behindRows} (at most
 * {@value #COUNT_LIMIT}: the count stops there), {@code lagMs}, and {@code reason} when not UP.
 */
public final class TandemHealthCheck {
    static final int COUNT_LIMIT = 100_000;

    /** A status, as Spring Boot names it ({@code UP}, {@code DOWN}, {@code OUT_OF_SERVICE}), and its details. */
    public record Report(String status, Map<String, Object> details) {
    }

    private final DataSource dataSource;
    private final TandemProperties properties;

    public TandemHealthCheck(DataSource dataSource, TandemProperties properties) {
        this.dataSource = dataSource;
        this.properties = properties;
    }

    /** Checks now; a failure to read is a {@code DOWN} with the error in {@code reason}. */
    public Report check() {
        String app = properties.getApp();
        int version = properties.getVersion();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("app", app);
        details.put("version", version);
        try (Connection c = dataSource.getConnection()) {
            if (!live(c, app, version)) {
                return down(details, app + " version " + version + " is not live, or the login is not a member of"
                        + " its role " + app + "_v" + version + "_app");
            }
            boolean leading = LockView.held(c, LockNames.applierLeader(app));
            details.put("leader", leading);
            String status;
            try (PreparedStatement s = c.prepareStatement("SELECT state, halted_reason, applied_snapshot::text"
                    + " FROM tandem.role_applier_state WHERE app = ?")) {
                s.setString(1, app);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return down(details, "no applier has ever run for app " + app + ": start one (tandem applier"
                                + " --app " + app + ")");
                    }
                    details.put("state", rs.getString(1));
                    if ("halted".equals(rs.getString(1))) {
                        return down(details, "the applier halted: " + rs.getString(2));
                    }
                    status = behind(c, app, rs.getString(3), details);
                }
            }
            if (!leading) {
                return down(details, "no applier leads app " + app + ": writes are journaled but not applied, and"
                        + " fenced commits time out; start one (tandem applier --app " + app + ")");
            }
            return new Report(status, details);
        } catch (SQLException e) {
            if ("42703".equals(e.getSQLState())) { // undefined_column: role_journal.written_at is Tandem schema 14
                return down(details, "Tandem's schema in this database is older than this starter reads (schema 14):"
                        + " run tandem migrate with this release of Tandem (" + e.getMessage() + ")");
            }
            return down(details, "could not read Tandem's state: " + e.getMessage());
        }
    }

    private static Report down(Map<String, Object> details, String reason) {
        details.put("reason", reason);
        return new Report("DOWN", details);
    }

    private static boolean live(Connection c, String app, int version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM tandem.role_versions WHERE app = ? AND version = ?)")) {
            s.setString(1, app);
            s.setInt(2, version);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Rows not applied yet and the lag, into {@code details}; returns UP or OUT_OF_SERVICE. The lag is the age of the
     * oldest unapplied transaction's last row — about when it committed: a transaction that took a minute to write is
     * not a minute behind once it commits. The applied snapshot is bound as a parameter so that the journal's
     * {@code (app, txid)} index is reached through the security-barrier view, from the snapshot's xmin, oldest first.
     */
    private String behind(Connection c, String app, String applied, Map<String, Object> details) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT coalesce(sum(t.n), 0), min(t.last_written), now() FROM"
                + " (SELECT count(*) AS n, max(j.written_at) AS last_written FROM (SELECT j.txid, j.written_at"
                + " FROM tandem.role_journal j WHERE j.app = ? AND j.txid >= ?::text::xid8"
                + " AND NOT pg_catalog.pg_visible_in_snapshot(j.txid, ?::pg_snapshot) ORDER BY j.txid LIMIT "
                + COUNT_LIMIT + ") j GROUP BY j.txid) t")) {
            s.setString(1, app);
            s.setString(2, applied.substring(0, applied.indexOf(':')));
            s.setString(3, applied);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                Timestamp oldest = rs.getTimestamp(2);
                long lagMs = oldest == null ? 0 : Math.max(0, rs.getTimestamp(3).getTime() - oldest.getTime());
                details.put("behindRows", rs.getLong(1));
                details.put("lagMs", lagMs);
                Duration max = properties.getHealth().getMaxLag();
                if (lagMs > max.toMillis()) {
                    details.put("reason", "the oldest unapplied journal row is " + lagMs + " ms old, more than"
                            + " tandem.health.max-lag (" + max.toMillis() + " ms)");
                    return "OUT_OF_SERVICE";
                }
                return "UP";
            }
        }
    }
}
