package io.tandem.views;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.Release;
import org.flywaydb.core.api.MigrationInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a release will do, worked out from its folder and the live database before anything changes
 * ({@code tandem migrate --plan} prints it): each pending statement with the table it changes and how, the tables
 * an online release builds beside (with their size), and whether the release goes online or in place.
 *
 * @param app        the app
 * @param pending    the pending migrations, e.g. {@code ["2 split name"]}
 * @param statements every pending statement, in order
 * @param built      the live tables an online release copies into the build, with their size
 * @param created    tables and sequences the migrations create
 * @param refusals   why the release cannot be built beside (empty when it can)
 */
public record ReleasePlan(String app, List<String> pending, List<PlannedStatement> statements,
                          List<TableSize> built, Set<String> created, List<String> refusals) {

    /**
     * The copy rate the plan's time estimates assume: about what a 2-core machine copies a narrow table at
     * (benchmarks/RESULTS.md, "online release"); the copy itself reports the rate it really reaches.
     */
    static final long NOMINAL_COPY_ROWS_PER_SECOND = 100_000;

    /** A live table to copy, with the catalog's estimate of its size. */
    public record TableSize(String table, long rows, long bytes) {
    }

    /** Whether any pending statement would lock a live table for a time that grows with its size. */
    public boolean heavy() {
        return statements.stream().anyMatch(s -> s.effect().heavy());
    }

    /** Whether the release can be built beside the live tables. */
    public boolean buildable() {
        return refusals.isEmpty();
    }

    /** Rows the build copies, by the catalog's estimate. */
    public long rowsToCopy() {
        return built.stream().mapToLong(TableSize::rows).sum();
    }

    /** The plan of {@code release}'s {@code pending} migrations against the live schema {@code liveSchema}. */
    static ReleasePlan of(Connection c, Release release, MigrationInfo[] pending, String liveSchema)
            throws SQLException {
        ReleasePlanner planner = new ReleasePlanner(liveSchema, new ReleasePlanner.LiveCatalog() {
            @Override
            public String tableOf(String index) {
                return indexTable(c, liveSchema, index);
            }

            @Override
            public boolean hasTable(String table) {
                try {
                    return size(c, liveSchema, table) != null;
                } catch (SQLException e) {
                    throw new TandemException("Could not look up table " + table + ": " + e.getMessage(), e);
                }
            }
        });
        List<String> names = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (MigrationInfo m : pending) {
            if (m.getVersion() == null) {
                refusals.add(m.getScript() + ": a repeatable migration cannot be built beside the live tables (the"
                        + " build's history starts at the live version); release it in place or on its own");
                continue;
            }
            names.add(m.getVersion() + " " + m.getDescription());
            Path file = release.migrationsDir().resolve(m.getScript());
            try {
                planner.add(m.getScript(), Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new TandemException("Cannot read migration " + file + ": " + e.getMessage(), e);
            }
        }
        refusals.addAll(planner.refusals());
        List<TableSize> built = new ArrayList<>();
        for (String table : planner.touched()) {
            TableSize size = size(c, liveSchema, table);
            if (size == null) {
                refusals.add("table " + table + " is changed by the migrations but is not a table of schema "
                        + liveSchema);
            } else {
                built.add(size);
                refusals.addAll(TableShape.cannotMove(c, liveSchema, table, tandemSchemas(c, release.app())));
            }
        }
        return new ReleasePlan(release.app(), List.copyOf(names), planner.statements(), List.copyOf(built),
                planner.created(), List.copyOf(refusals));
    }

    /**
     * The view schemas of the app's live versions: views Tandem recreates at the switch. None before Tandem is
     * installed (a first release, or adopting a database with --baseline).
     */
    private static java.util.Set<String> tandemSchemas(Connection c, String app) throws SQLException {
        java.util.Set<String> schemas = new java.util.HashSet<>();
        if (io.tandem.core.db.TandemSchema.installedVersion(c) == null) {
            return schemas;
        }
        for (io.tandem.core.definitions.VersionDefinition v : io.tandem.core.db.VersionRegistry.live(c, app)) {
            schemas.addAll(v.viewSchemas());
        }
        return schemas;
    }

    /**
     * The table's size: rows as the statistics estimate them, or — for a table never analyzed — counted when it is
     * small and sampled (1 % of its pages) when it is not.
     */

    private static TableSize size(Connection c, String schema, String table) throws SQLException {
        long rows;
        long bytes;
        long pages;
        try (PreparedStatement s = c.prepareStatement("SELECT c.reltuples::bigint, pg_catalog.pg_total_relation_size(c.oid),"
                + " pg_catalog.pg_relation_size(c.oid) / pg_catalog.current_setting('block_size')::bigint"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind = 'r'")) {
            s.setString(1, schema);
            s.setString(2, table);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                rows = rs.getLong(1);
                bytes = rs.getLong(2);
                pages = rs.getLong(3);
            }
        }
        if (rows <= 0 && pages > 0) {
            String name = TableShape.q(schema) + "." + TableShape.q(table);
            String count = pages < 2_000 ? "SELECT count(*) FROM " + name
                    : "SELECT count(*) * 100 FROM " + name + " TABLESAMPLE SYSTEM (1)";
            try (PreparedStatement s = c.prepareStatement(count); ResultSet rs = s.executeQuery()) {
                rs.next();
                rows = rs.getLong(1);
            }
        }
        return new TableSize(table, Math.max(rows, 0), bytes);
    }

    private static String indexTable(Connection c, String schema, String index) {
        try (PreparedStatement s = c.prepareStatement("SELECT t.relname FROM pg_catalog.pg_index x"
                + " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid JOIN pg_catalog.pg_class t ON t.oid = x.indrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = ? AND i.relname = ?")) {
            s.setString(1, schema);
            s.setString(2, index);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new TandemException("Could not look up index " + index + ": " + e.getMessage(), e);
        }
    }

    /** The plan for people, one line each: the statements, and when {@code online} how the build goes. */
    public List<String> describe(boolean online) {
        List<String> lines = new ArrayList<>();
        lines.add("Release of app " + app + ": " + pending.size() + " pending migration(s) " + pending);
        for (PlannedStatement s : statements) {
            lines.add("  " + s.describe());
        }
        if (!online) {
            return lines;
        }
        lines.add("Online: built beside the live tables, then switched in one short transaction");
        for (TableSize t : built) {
            lines.add(String.format("  copy %-24s ~%,d rows, %,d MB, ~%,d s", t.table(), t.rows(), t.bytes() >> 20,
                    Math.max(1, t.rows() / NOMINAL_COPY_ROWS_PER_SECOND)));
        }
        if (!created.isEmpty()) {
            lines.add("  created in the build: " + String.join(", ", created));
        }
        lines.add(String.format("  disk: the copied tables once more (~%,d MB) until `tandem release finish`",
                built.stream().mapToLong(TableSize::bytes).sum() >> 20));
        lines.add("  at the switch (milliseconds, whatever the size): the built tables are moved in, the previous ones"
                + " moved aside and kept in step, foreign keys of untouched tables re-pointed, the new views (created"
                + " beforehand) swapped in");
        return lines;
    }
}
