package io.tandem.views;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.Release;
import org.flywaydb.core.api.MigrationInfo;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Whether the app's schema predates Tandem, and adopting it: a schema that holds tables but no Flyway history is
 * released only with {@code --baseline}, which records the release's first migration (the baseline of the existing
 * tables, {@link Scaffold}) as applied without running it, so the tables and their rows stay as they are and the
 * later migrations run as usual. Without it, such a schema is refused before anything changes: running the first
 * migration would collide with the tables it describes.
 */
final class AppBaseline {
    private AppBaseline() {
    }

    /** What the app schema of a connection holds: its name, whether it has a release history, whether tables. */
    record Found(String schema, boolean history, boolean tables) {
    }

    static Found look(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT current_schema(),
                       pg_catalog.to_regclass(pg_catalog.quote_ident(current_schema()) || '.flyway_schema_history')
                           IS NOT NULL,
                       EXISTS (SELECT FROM pg_catalog.pg_class r JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
                                WHERE n.nspname = current_schema() AND r.relkind IN ('r', 'p', 'v', 'm', 'f')
                                  AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d   -- an extension's own objects
                                                   WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                                     AND d.objid = r.oid AND d.deptype = 'e'))""")) {
            rs.next();
            return new Found(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3));
        }
    }

    /**
     * Refuses what cannot go on, changing nothing: Tandem's own schema as the app's, a schema that predates Tandem
     * without {@code adopt}, and {@code adopt} where there is nothing to adopt. Relations an extension owns (such as
     * {@code pg_stat_statements}' views) are not the app's.
     */
    static void check(Found found, Release release, boolean adopt) {
        String schema = found.schema();
        if ("tandem".equals(schema)) {
            throw new TandemException("The app's schema resolves to tandem, Tandem's own schema (the login is named"
                    + " tandem and its search_path starts with \"$user\"), which cannot hold the app's tables. Point the"
                    + " JDBC URL's currentSchema (e.g. ?currentSchema=public) or the login's search_path at the app's"
                    + " schema. The app's schema is unchanged.");
        }
        if (!adopt) {
            if (found.tables() && !found.history()) {
                throw new TandemException("Schema " + schema + " already holds tables but no release history"
                        + " (flyway_schema_history): this database predates Tandem. To adopt it, draft the first"
                        + " release from its tables with `tandem views scaffold --app " + release.app()
                        + " --out " + release.appDir() + "`, review it, then run migrate with --baseline, which keeps the"
                        + " tables and their rows. Nothing changed.");
            }
            return;
        }
        if (found.history()) {
            throw new TandemException("--baseline adopts a database that predates Tandem, but schema " + schema
                    + " already has a release history (flyway_schema_history): run migrate without --baseline."
                    + " Nothing changed.");
        }
        if (!found.tables()) {
            throw new TandemException("--baseline records the first migration as applied without running it, but"
                    + " schema " + schema + " holds no table for it to describe. If the app's tables are in another"
                    + " schema, point the JDBC URL's currentSchema at it; only for a new, empty database run migrate"
                    + " without --baseline. Nothing changed.");
        }
        if (release.migrations().isEmpty()) {
            throw new TandemException("--baseline needs a first migration describing the existing tables in "
                    + release.migrationsDir() + " (tandem views scaffold drafts it). Nothing changed.");
        }
    }

    /** Records {@code release}'s first migration as applied, without running it ({@link #check} passed). */
    static void adopt(DataSource dataSource, Release release, Found found, MigrationProgress progress) {
        MigrationInfo first = AppFlyway.of(dataSource, release).info().all()[0];
        AppFlyway.configure(dataSource, release)
                .baselineVersion(first.getVersion())
                .baselineDescription(first.getDescription() + " (baseline: the tables as Tandem found them)")
                .load()
                .baseline();
        progress.step("Adopted schema " + found.schema() + ": migration " + first.getVersion() + " ("
                + first.getDescription() + ") recorded as applied without running it; its tables and rows are kept");
    }
}
