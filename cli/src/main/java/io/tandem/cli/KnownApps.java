package io.tandem.cli;

import io.tandem.core.TandemException;
import io.tandem.core.db.ReleaseState;
import io.tandem.core.db.TandemSchema;
import io.tandem.core.db.VersionRegistry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The apps a database knows: those with at least one version released there, live or retired, and one whose first
 * online release is in progress.
 */
final class KnownApps {
    private KnownApps() {
    }

    /** Returns quietly when Tandem's schema is installed in the database behind {@code c}; else says what to do. */
    static void requireInstalled(Connection c, String where) throws SQLException {
        if (TandemSchema.installedVersion(c) == null) {
            throw new TandemException("Tandem is not installed in " + where + ": run `tandem migrate --schemas DIR` for"
                    + " the first release, or check --jdbc-url.");
        }
    }

    /**
     * Returns quietly when {@code app} has a version released in the database behind {@code c}; otherwise fails
     * saying Tandem is not installed there, or with the apps there are, or with how to release a first one.
     */
    static void require(Connection c, String app, String where) throws SQLException {
        requireInstalled(c, where);
        List<String> apps = VersionRegistry.apps(c);
        if (apps.contains(app) || ReleaseState.find(c, app).isPresent()) {
            return; // a first online release stores its versions only at the switch
        }
        throw new TandemException(apps.isEmpty()
                ? "Tandem knows no app in " + where + ": no version of any app has been released there. Run `tandem"
                        + " migrate --schemas DIR` for the first release of '" + app + "', or check --jdbc-url."
                : "Tandem knows no app '" + app + "' in " + where + "; the apps there are " + String.join(", ", apps)
                        + ". Check --app (or --jdbc-url), or release '" + app + "' first with `tandem migrate`.");
    }
}
