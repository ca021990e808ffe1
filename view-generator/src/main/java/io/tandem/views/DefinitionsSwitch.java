package io.tandem.views;

import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.Release;
import io.tandem.core.definitions.SqlIdentifier;
import io.tandem.core.definitions.VersionDefinition;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The part of a release after the physical migrations, in the same transaction: lint the release's definitions
 * against the migrated schema, store them, and recreate every live version's views and grants. Any problem throws
 * and so rolls the whole release back.
 */
final class DefinitionsSwitch {
    private final ViewGenerator views;
    private final MigrationProgress progress;

    DefinitionsSwitch(ViewGenerator views, MigrationProgress progress) {
        this.views = views;
        this.progress = progress;
    }

    /**
     * Drops the views of every live version of the app, so the migrations can change the columns they read. They
     * are recreated by {@link #apply} in the same transaction: no reader ever sees them missing.
     */
    void clearViews(Connection c, String app) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (VersionDefinition live : VersionRegistry.live(c, app)) {
                for (String schema : live.viewSchemas()) {
                    s.execute("DROP SCHEMA IF EXISTS " + SqlIdentifier.of(schema).quoted() + " CASCADE");
                }
            }
        }
    }

    void apply(Connection c, Release release) throws SQLException {
        apply(c, prepare(c, release));
    }

    /** A release's definitions, checked against the schema as it is, and the statements that create their views. */
    record Prepared(List<VersionDefinition> versions, ViewGenerator.Parts statements) {
    }

    /**
     * Refuses {@code release} (throws) with every problem of its definitions against the schema as it now is, else
     * generates their views' statements; changes nothing. A release without migrations does this before it holds
     * the applier and the views, which then only wait for the statements to run ({@link #apply(Connection, Prepared)}).
     */
    Prepared prepare(Connection c, Release release) throws SQLException {
        List<String> all = new ArrayList<>(problems(c, release));
        progress.step("Linting " + release.versions().size() + " version definition(s) against the migrated schema");
        new Lint().check(c, release.versions()).forEach(p -> all.add(p.located()));
        if (!all.isEmpty()) {
            throw new MigrationRefusedException(release.app(), all);
        }
        return new Prepared(release.versions(), statements(c, release.versions(), PendingMove.NONE));
    }

    /** Stores the prepared definitions and runs their views' statements, in one round trip. */
    void apply(Connection c, Prepared prepared) throws SQLException {
        save(c, prepared.versions());
        execute(c, prepared.statements().all());
        recreated(prepared.versions());
    }

    private void recreated(List<VersionDefinition> versions) {
        for (VersionDefinition version : versions) {
            progress.step("Version " + version.version() + ": definition stored, views " + version.viewSchema()
                    + ".* and grants recreated");
        }
    }

    /**
     * Stores {@code versions} as the app's live definitions and recreates their views and grants, unchecked: an
     * online release linted them against its build, which becomes this schema.
     */
    void store(Connection c, List<VersionDefinition> versions) throws SQLException {
        save(c, versions);
        createViews(c, versions, PendingMove.NONE);
        recreated(versions);
    }

    /** Stores {@code versions} as live definitions (which the live applier reloads once the caller commits). */
    void save(Connection c, List<VersionDefinition> versions) throws SQLException {
        for (VersionDefinition version : versions) {
            VersionRegistry.save(c, version);
        }
    }

    /**
     * Creates (or recreates) the views, roles and grants of {@code versions}; their function bodies name the tables
     * of {@code move} where it will put them.
     */
    void createViews(Connection c, List<VersionDefinition> versions, PendingMove move) throws SQLException {
        execute(c, statements(c, versions, move).all());
    }

    /** The statements {@link #createViews} runs, in their two parts ({@link ViewGenerator.Parts}). */
    ViewGenerator.Parts statements(Connection c, List<VersionDefinition> versions, PendingMove move)
            throws SQLException {
        List<String> own = new ArrayList<>();
        List<String> shared = new ArrayList<>();
        for (VersionDefinition version : versions) {
            ViewGenerator.Parts parts = views.parts(c, version, move);
            own.addAll(parts.own());
            shared.addAll(parts.shared());
        }
        return new ViewGenerator.Parts(own, shared);
    }

    /** Runs {@code statements} in one round trip: on a busy server each round trip waits its turn for a core. */
    static void execute(Connection c, List<String> statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.addBatch(sql);
            }
            s.executeBatch();
        } catch (BatchUpdateException e) {
            throw e.getNextException() != null ? e.getNextException() : e; // the server's own error
        }
    }

    /**
     * What refuses {@code release} whatever the schema: a live version missing from its folder, a retired one still
     * in it.
     */
    List<String> problems(Connection c, Release release) throws SQLException {
        List<String> problems = new ArrayList<>();
        Set<Integer> released = release.versions().stream().map(VersionDefinition::version).collect(Collectors.toSet());
        for (VersionDefinition live : VersionRegistry.live(c, release.app())) {
            if (!released.contains(live.version())) {
                problems.add("version " + live.version() + " of app '" + release.app() + "' is live but "
                        + release.appDir().resolve("versions").resolve("v" + live.version() + ".yaml")
                        + " is missing: retire it first (tandem retire --app " + release.app() + " --version "
                        + live.version() + ") or keep versions/v" + live.version() + ".yaml");
            }
        }
        for (int retired : VersionRegistry.retired(c, release.app())) {
            if (released.contains(retired)) {
                problems.add("version " + retired + " of app '" + release.app() + "' was retired, but the release still"
                        + " has versions/v" + retired + ".yaml: remove it (a retired version does not come back; release"
                        + " its mapping as a new version instead)");
            }
        }
        return problems;
    }
}
