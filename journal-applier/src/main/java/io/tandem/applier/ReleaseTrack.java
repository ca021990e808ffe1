package io.tandem.applier;

import io.tandem.core.db.LockNames;
import io.tandem.core.db.ReleasePhase;
import io.tandem.core.db.ReleaseState;
import io.tandem.core.db.Snapshot;
import io.tandem.core.db.TrackRow;
import io.tandem.core.definitions.QualifiedName;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.definitions.WriteItem;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The journal of an app projected onto the tables of its online release: before the switch onto the build schema
 * through the release's definitions, after it onto the previous tables through the previous definitions (so that a
 * revert loses nothing). It never reads past the live track's committed position, so at the switch — the live
 * track held — the two positions can be made equal, and the built tables are exactly what the live ones would be
 * after the same journal rows.
 *
 * <p>Only the write items on the release's own tables are projected (the others are the live track's work), each
 * with its table name qualified by the track's schema — never resolved through a {@code search_path}, so a write
 * meant for the build can never land on a live table, and the track's pooled connections are left as they were.
 * A transaction this track cannot apply always halts it, with the reason in {@code tandem.releases}: skipping it
 * would make the built tables differ from the live ones.
 */
final class ReleaseTrack implements Track {
    private final String app;
    private final TrackRow state;
    private volatile boolean switched;

    ReleaseTrack(String app) {
        this.app = app;
        this.state = TrackRow.release(app);
    }

    @Override
    public String app() {
        return app;
    }

    @Override
    public String describe() {
        return "the release of app '" + app + "'";
    }

    @Override
    public String leaderLock() {
        return LockNames.releaseLeader(app);
    }

    @Override
    public TrackRow state() {
        return state;
    }

    @Override
    public boolean hasWork(javax.sql.DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return ReleaseState.find(c, app).map(ReleaseState::tracked).orElse(false);
        }
    }

    @Override
    public LiveDefinitions load(Connection read, Connection apply) throws SQLException {
        read.setAutoCommit(true);
        ReleaseState release = ReleaseState.find(read, app).orElse(null);
        if (release == null || !release.tracked()) {
            return null;
        }
        switched = release.phase() == ReleasePhase.SWITCHED;
        Set<String> tables = release.phase() == ReleasePhase.SWITCHED ? Set.copyOf(release.tables())
                : union(release.tables(), release.newTables());
        List<VersionDefinition> versions = release.trackDefinitions().stream()
                .map(v -> onlyTables(v, tables, release.liveSchema(), release.trackSchema())).toList();
        return LiveDefinitions.of(read, release.definitionsGeneration(), release.trackDefinitions(), versions);
    }

    @Override
    public Snapshot bound(Connection read) throws SQLException {
        read.setAutoCommit(true); // no transaction left open while the track waits
        return TrackRow.live(app).position(read).applied();
    }

    @Override
    public boolean follows() {
        return true;
    }

    @Override
    public RejectPolicy policy(RejectPolicy configured) {
        return RejectPolicy.HALT;
    }

    @Override
    public String haltAdvice() {
        if (switched) {
            return "The previous tables of the release of app '" + app + "' cannot follow this write (a version the"
                    + " release added needs a mapping onto them, versions/previous/v<N>.yaml), so the release can no"
                    + " longer be reverted; the live tables are not affected. Keep it: tandem release finish --app "
                    + app;
        }
        return "The build of the release of app '" + app + "' cannot take this write, so it cannot switch; the live"
                + " tables are not affected. Abort it (tandem release abort --app " + app + "), fix the release's"
                + " migrations or definitions, and migrate again.";
    }

    @Override
    public boolean haltCleared(Connection c) throws SQLException {
        c.setAutoCommit(true);
        return ReleaseState.find(c, app).map(r -> !"halted".equals(r.state())).orElse(true);
    }

    private static Set<String> union(List<String> a, List<String> b) {
        java.util.HashSet<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * {@code version} with only the write items on {@code tables} (unqualified, or qualified with the live schema),
     * their table names qualified with {@code schema}.
     */
    private static VersionDefinition onlyTables(VersionDefinition version, Set<String> tables, String liveSchema,
                                                String schema) {
        return version.withWrites(w -> tracked(w.tableName(), tables, liveSchema)
                ? new WriteItem(schema + "." + w.tableName().name().name(), w.key(), w.set()) : null);
    }

    private static boolean tracked(QualifiedName table, Set<String> tables, String liveSchema) {
        boolean inLiveSchema = table.schema() == null || table.schema().name().equals(liveSchema);
        return inLiveSchema && tables.contains(table.name().name());
    }
}
