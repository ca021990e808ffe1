package io.tandem.core.db;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.DefinitionReader;
import io.tandem.core.definitions.VersionDefinition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The live versions of each app, as stored in {@code tandem.versions}: what the applier interprets journal rows
 * with. Every change bumps the app's definitions generation ({@link TrackRow#bumpGeneration}), in the caller's
 * transaction, so a running applier reloads the definitions exactly when that transaction commits.
 */
public final class VersionRegistry {
    private VersionRegistry() {
    }

    /** Stores (or replaces) a version's definition and makes it live. */
    public static void save(Connection c, VersionDefinition definition) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tandem.versions AS v"
                + " (app, version, definition, source, source_file) VALUES (?, ?, ?::jsonb, ?, ?)"
                + " ON CONFLICT (app, version) DO UPDATE SET definition = excluded.definition,"
                + " source = excluded.source, source_file = excluded.source_file, updated_at = now(), retired_at = NULL")) {
            s.setString(1, definition.app());
            s.setInt(2, definition.version());
            s.setString(3, definition.toJson());
            s.setString(4, definition.source());
            s.setString(5, definition.sourceFile());
            s.executeUpdate();
        }
        TrackRow.live(definition.app()).bumpGeneration(c);
    }

    /** Marks a version retired: the applier no longer accepts its rows. */
    public static void retire(Connection c, String app, int version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE tandem.versions SET retired_at = now()"
                + " WHERE app = ? AND version = ? AND retired_at IS NULL")) {
            s.setString(1, app);
            s.setInt(2, version);
            if (s.executeUpdate() == 0) {
                throw new TandemException("Version " + version + " of app '" + app + "' is not live; nothing to retire."
                        + " `tandem status --app " + app + "` lists the live versions.");
            }
        }
        TrackRow.live(app).bumpGeneration(c);
    }

    /** The live versions of {@code app}, oldest first. */
    public static List<VersionDefinition> live(Connection c, String app) throws SQLException {
        List<VersionDefinition> versions = new ArrayList<>();
        DefinitionReader reader = new DefinitionReader();
        try (PreparedStatement s = c.prepareStatement("SELECT source, source_file FROM tandem.versions"
                + " WHERE app = ? AND retired_at IS NULL ORDER BY version")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    versions.add(reader.read(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return List.copyOf(versions);
    }

    /** The numbers of {@code app}'s live versions, lowest first: {@link #live} without reading the definitions. */
    public static List<Integer> liveNumbers(Connection c, String app) throws SQLException {
        List<Integer> versions = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT version FROM tandem.versions"
                + " WHERE app = ? AND retired_at IS NULL ORDER BY version")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    versions.add(rs.getInt(1));
                }
            }
        }
        return List.copyOf(versions);
    }

    /**
     * Version {@code version} of {@code app}, if it is live and the connection's role may read its definition: a
     * member of the version's role (so an app connected as {@code <app>_v<N>_app} reads its own version and nothing
     * else), the owner of Tandem's tables, or a superuser. Reads {@code tandem.role_versions} (Tandem schema 10).
     */
    public static Optional<VersionDefinition> readable(Connection c, String app, int version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT source, source_file FROM tandem.role_versions WHERE app = ? AND version = ?")) {
            s.setString(1, app);
            s.setInt(2, version);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new DefinitionReader().read(rs.getString(1), rs.getString(2)))
                        : Optional.empty();
            }
        }
    }

    /** A live version's role as registered in {@code tandem.version_roles}; {@code member}: the current role is in it. */
    public record VersionRole(int version, String role, boolean member) {
    }

    /**
     * The roles registered for {@code app}'s live versions, oldest version first, each with whether the connection's
     * current role is a member of it. {@code tandem.version_roles} is readable by every role, so this says why
     * {@link #readable} found nothing: the version is not live, or the role is not a member of its role.
     */
    public static List<VersionRole> roles(Connection c, String app) throws SQLException {
        List<VersionRole> roles = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT r.version, r.role::text,
                       coalesce(pg_catalog.pg_has_role(CURRENT_USER, pg_catalog.to_regrole(r.role)::oid, 'MEMBER'),
                                false)
                  FROM tandem.version_roles r
                 WHERE r.app = ?
                 ORDER BY r.version""")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    roles.add(new VersionRole(rs.getInt(1), rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
        return List.copyOf(roles);
    }

    /** The connection's current role ({@code CURRENT_USER}), for messages. */
    public static String currentRole(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT CURRENT_USER::text"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The versions of {@code app} that were retired. */
    public static java.util.Set<Integer> retired(Connection c, String app) throws SQLException {
        java.util.Set<Integer> versions = new java.util.TreeSet<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT version FROM tandem.versions WHERE app = ? AND retired_at IS NOT NULL")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    versions.add(rs.getInt(1));
                }
            }
        }
        return versions;
    }

    /** Every app with at least one version released here, live or retired, in name order. */
    public static List<String> apps(Connection c) throws SQLException {
        List<String> apps = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT app FROM tandem.versions ORDER BY app");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                apps.add(rs.getString(1));
            }
        }
        return List.copyOf(apps);
    }
}
