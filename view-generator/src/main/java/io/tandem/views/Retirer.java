package io.tandem.views;

import io.tandem.core.TandemException;
import io.tandem.core.db.Backlog;
import io.tandem.core.db.TrackRow;
import io.tandem.core.db.VersionRegistry;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code tandem retire}: ends a version's life once its instances are gone — drops its views, its role's grants
 * and journal policy, and marks its definition retired, in one transaction with the applier held at a batch
 * boundary.
 *
 * <p>Refuses the app's last live version (the app would be left with no views); while journal rows of the version
 * are still unapplied (they would become rejects); when asked, while sessions of the version's role are connected
 * (they would start failing); and while a {@code tandem migrate} of the app runs, whose switch would bring the
 * version's views back. A {@code tandem release revert} after it leaves the version retired.
 */
public final class Retirer {
    private final DataSource dataSource;
    private final ViewGenerator views;
    private Duration lockTimeout = Duration.ofSeconds(2);
    private boolean checkSessions;

    public Retirer(DataSource dataSource, ViewGenerator views) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.views = Objects.requireNonNull(views, "views");
    }

    /** Also refuse while sessions of the version's app role are connected (default: off). */
    public Retirer checkSessions(boolean check) {
        this.checkSessions = check;
        return this;
    }

    public Retirer lockTimeout(Duration timeout) {
        this.lockTimeout = timeout;
        return this;
    }

    /** Retires {@code version} of {@code app}; throws, changing nothing, when it may not. */
    public void retire(String app, int version) {
        try (Connection c = dataSource.getConnection()) {
            ReleaseLock.take(c, app, "A tandem migrate, release revert or retire of app '" + app + "' is running:"
                    + " retire version " + version + " once it has ended");
            try {
                retire(c, app, version);
            } finally {
                ReleaseLock.release(c, app);
            }
        } catch (SQLException e) {
            throw new TandemException("Could not retire version " + version + " of app '" + app + "': "
                    + e.getMessage() + ". Nothing changed.", e);
        }
    }

    /** The retirement, in one transaction on {@code c} (which holds the release lock). */
    private void retire(Connection c, String app, int version) throws SQLException {
        c.setAutoCommit(false);
        try {
            TrackRow.live(app).hold(c, lockTimeout);
            refuseIfBusy(c, app, version);
            try (Statement s = c.createStatement()) {
                for (String sql : views.dropStatements(app, version)) {
                    s.execute(sql);
                }
            }
            VersionRegistry.retire(c, app, version);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private void refuseIfBusy(Connection c, String app, int version) throws SQLException {
        if (VersionRegistry.liveNumbers(c, app).equals(List.of(version))) {
            throw new TandemException("Version " + version + " is the last live version of app '" + app + "': retired,"
                    + " the app would have no views to read or write through, and a retired version does not come"
                    + " back. Release the version that replaces it first (tandem migrate), then retire this one."
                    + " Nothing changed.");
        }
        Backlog backlog = TrackRow.live(app).backlog(c, version);
        if (backlog.rows() > 0) {
            throw new TandemException("Version " + version + " of app '" + app + "' still has " + backlog.rows()
                    + " unapplied journal row(s) (oldest " + backlog.oldestMillis() + " ms): retiring it now would"
                    + " turn them into rejects. Make sure the applier runs (tandem status --app " + app + "),"
                    + " wait until they are applied, and retire again. Nothing changed.");
        }
        if (checkSessions) {
            String role = views.roleName(app, version);
            long sessions = sessions(c, role);
            if (sessions > 0) {
                throw new TandemException(sessions + " session(s) of role " + role + " (version " + version + " of app '"
                        + app + "') are still connected: stop those instances first, or retire without"
                        + " --check-sessions. Nothing changed.");
            }
        }
    }

    private static long sessions(Connection c, String role) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity a"
                + " JOIN pg_roles r ON r.oid = a.usesysid"
                + " WHERE NOT r.rolsuper AND a.pid <> pg_backend_pid()"
                + " AND EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = ?)"
                + " AND pg_has_role(a.usesysid, ?, 'MEMBER')")) {
            s.setString(1, role);
            s.setString(2, role);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
