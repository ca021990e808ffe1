package io.tandem.views;

import io.tandem.core.TandemException;
import io.tandem.core.db.ApplierPosition;
import io.tandem.core.db.ApplierState;
import io.tandem.core.db.LockTimeout;
import io.tandem.core.db.ReleaseState;
import io.tandem.core.db.TrackRow;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.Release;
import io.tandem.core.definitions.VersionDefinition;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.tandem.views.TableShape.q;

/**
 * The switch of an online release, and its revert: one transaction that moves whole tables between schemas, hands
 * the key sequences over, re-points the foreign keys of untouched tables, records the migrations, and stores the
 * definitions and replaces the views — the work of catalog rows, not of table sizes, so its locks are held for
 * milliseconds.
 *
 * <p>It starts by creating the new views ({@link StagedViews}), which holds nothing the app waits for, and then
 * waits until the caller says the switch is still worth trying ({@link Ready}). It keeps maintenance off the tables it
 * moves ({@link SchemaMoves#holdAgainstMaintenance}: a lock that stops {@code VACUUM} but no reader or writer), then
 * holds the live applier at a batch boundary (its state row), then waits, outside any DDL, until the release track
 * has projected exactly as far as the live one: only then do the built tables hold what the live ones hold, and the
 * switch loses and repeats nothing. The release track is then held too (its row), and both resume after the commit —
 * the live track on the new tables with the new definitions, the release track on the previous tables with the
 * previous definitions.
 */
final class ReleaseSwitch {
    /** A try that must be repeated: the applier was mid-batch, or the release track did not catch up in time. */
    static final class NotYet extends Exception {
        private static final long serialVersionUID = 1L;

        NotYet(String message) {
            super(message);
        }
    }

    /** The longest a try waits for {@link Ready} once it has created its views. */
    private static final Duration READY_WAIT = Duration.ofSeconds(1);

    /** A wait (for maintenance on the moving tables, for the track after staging) this long is reported. */
    private static final long WAIT_REPORTED_MS = 100;

    private final DataSource dataSource;
    private final DefinitionsSwitch definitions;
    private final Duration lockTimeout;
    private final Duration catchUpWait;
    private final MigrationProgress progress;

    ReleaseSwitch(DataSource dataSource, DefinitionsSwitch definitions, Duration lockTimeout, Duration catchUpWait,
                  MigrationProgress progress) {
        this.dataSource = dataSource;
        this.definitions = definitions;
        this.lockTimeout = lockTimeout;
        this.catchUpWait = catchUpWait;
        this.progress = progress;
    }

    /**
     * Switches {@code release}'s build in; returns how long the applier and the views were held. With
     * {@code views} ({@link StagedViews#plan}) the views are created before anything is held.
     *
     * @throws NotYet when this try must be repeated (nothing changed)
     */
    SwitchTime forward(Release release, ReleaseState state, Optional<StagedViews.Plan> views, Ready ready)
            throws SQLException, NotYet {
        Set<String> notMoved = Set.of(BuildMigration.HISTORY, BuildCopy.POSITION_TABLE);
        Stage stage = (c, live) -> views.isEmpty() ? Optional.empty() : StagedViews.prepare(c, views.get(), live,
                state.tables(), new SchemaMoves(c).relations(state.buildSchema(), notMoved), progress);
        try (Connection c = dataSource.getConnection()) {
            List<String> problems = definitions.problems(c, release); // the hold checks the versions are still these
            if (!problems.isEmpty()) {
                throw new MigrationRefusedException(release.app(), problems);
            }
        }
        return inTransaction(SwitchStep.SWITCH, state, state.tables(), state.buildSchema(), stage, ready,
                (c, held, staged, versions) -> {
            List<VersionDefinition> previous = new ArrayList<>(versions);
            previous.addAll(release.previousVersions());
            String live = state.liveSchema();
            SchemaMoves moves = new SchemaMoves(c);
            dropViews(c, state.app(), staged);
            long cleared = System.nanoTime();
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + q(state.previousSchema()));
            }
            List<String> incoming = moves.relations(state.buildSchema(), notMoved);
            List<TableShape.ForeignKey> repoint = exchange(c, moves, live, state.previousSchema(), state.buildSchema(),
                    state.tables(), incoming);
            recordMigrations(c, live, state.buildSchema());
            try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + q(state.buildSchema()) + " CASCADE"); // only its history and position left
            }
            long moved = System.nanoTime();
            store(c, release.versions(), staged);
            report(held, cleared, moved, staged);
            try (PreparedStatement s = c.prepareStatement("UPDATE tandem.releases SET phase = 'switched',"
                    + " switched_at = now(), previous_definitions = ?::jsonb, moved_in = ?,"
                    + " definitions_generation = definitions_generation + 1 WHERE app = ?")) {
                s.setString(1, ReleaseState.definitionsJson(previous));
                s.setArray(2, c.createArrayOf("text", incoming.toArray()));
                s.setString(3, state.app());
                s.executeUpdate();
            }
            return repoint;
        });
    }

    /**
     * Switches the previous tables back in and the release's out (to be dropped), restoring {@code restored} (the
     * previous definitions of the versions still live); returns how long the applier and the views were held. With
     * {@code views} the views are created before anything is held.
     *
     * @throws NotYet when this try must be repeated (nothing changed)
     */
    SwitchTime back(ReleaseState state, List<VersionDefinition> restored, String outSchema,
                    Optional<StagedViews.Plan> views, Ready ready)
            throws SQLException, NotYet {
        Stage stage = (c, live) -> views.isEmpty() ? Optional.empty() : StagedViews.prepare(c, views.get(), live,
                state.movedIn(), state.tables(), progress);
        return inTransaction(SwitchStep.REVERT, state, state.movedIn(), state.previousSchema(), stage, ready,
                (c, held, staged, versions) -> {
            String live = state.liveSchema();
            SchemaMoves moves = new SchemaMoves(c);
            dropViews(c, state.app(), staged);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + q(outSchema));
            }
            List<TableShape.ForeignKey> repoint = exchange(c, moves, live, outSchema, state.previousSchema(),
                    state.movedIn(), state.tables());
            try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + q(state.previousSchema())); // empty now: fails rather than drop a table
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + q(live) + ".flyway_schema_history"
                    + " WHERE version = ANY (?)")) {
                s.setArray(1, c.createArrayOf("text", state.migrations().stream()
                        .map(m -> m.substring(0, m.indexOf(' '))).toArray()));
                s.executeUpdate();
            }
            for (VersionDefinition v : versions) {
                if (restored.stream().noneMatch(p -> p.version() == v.version())) {
                    VersionRegistry.retire(c, state.app(), v.version());
                }
            }
            store(c, restored, staged);
            try (PreparedStatement s = c.prepareStatement("DELETE FROM tandem.releases WHERE app = ?")) {
                s.setString(1, state.app());
                s.executeUpdate();
            }
            return repoint;
        });
    }

    /**
     * Whether the switch may go on to hold the applier and the views, asked after its views are staged (which took
     * time, while the app wrote on): the release track still within the switch's window of the live applier, the
     * moment still quiet. False is asked again, 10 ms later, for up to the switch's catch-up wait.
     */
    interface Ready {
        boolean now() throws SQLException;
    }

    /** Creates the switch's views before it holds anything, or says why not (empty). */
    private interface Stage {
        Optional<StagedViews> prepare(Connection c, List<VersionDefinition> live) throws SQLException;
    }

    /** The switch's work once it holds everything; {@code live}: the app's live versions, read before the hold. */
    private interface Work {
        List<TableShape.ForeignKey> run(Connection c, long heldAt, Optional<StagedViews> staged,
                                        List<VersionDefinition> live) throws SQLException;
    }

    /** Drops the views being replaced: the ones set aside when staged, else every live version's. */
    private void dropViews(Connection c, String app, Optional<StagedViews> staged) throws SQLException {
        if (staged.isPresent()) {
            staged.get().swapIn(c);
        } else {
            definitions.clearViews(c, app);
        }
    }

    /** Stores the definitions, and creates their views unless they were staged. */
    private void store(Connection c, List<VersionDefinition> versions, Optional<StagedViews> staged)
            throws SQLException {
        if (staged.isPresent()) {
            definitions.save(c, versions);
        } else {
            definitions.store(c, versions);
        }
    }

    private void report(long held, long cleared, long moved, Optional<StagedViews> staged) {
        progress.step(SwitchStep.SWITCH.heading() + ": views dropped in " + (cleared - held) / 1_000_000 + " ms, tables moved in "
                + (moved - cleared) / 1_000_000 + " ms, " + (staged.isPresent() ? "definitions stored" : "views and"
                + " grants recreated") + " in " + millisSince(moved) + " ms");
    }

    /**
     * Runs {@code work} in one transaction that first stages the new views ({@code stage}), then keeps maintenance
     * off the tables it moves ({@code outgoing} of the live schema, every table of {@code inSchema}), then holds the
     * live applier and the release track. {@code step} heads its progress lines.
     */
    private SwitchTime inTransaction(SwitchStep step, ReleaseState state, List<String> outgoing, String inSchema,
                                     Stage stage, Ready ready, Work work) throws SQLException, NotYet {
        List<TableShape.ForeignKey> repointed;
        SwitchTime held;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                LockTimeout.set(c, lockTimeout);
                List<VersionDefinition> versions = VersionRegistry.live(c, state.app()); // parsed before the hold
                long staging = System.nanoTime();
                Optional<StagedViews> staged = stage.prepare(c, versions);
                if (staged.isPresent()) {
                    progress.step(step.heading() + ": views and grants created in " + millisSince(staging) + " ms, before"
                            + " anything is held; the app goes on with the ones it has until this commits");
                }
                long readyAt = System.nanoTime();
                awaitReady(ready);
                if (millisSince(readyAt) >= WAIT_REPORTED_MS) {
                    progress.step(step.heading() + ": waited " + millisSince(readyAt) + " ms, holding nothing the app waits for,"
                            + " for the release track to be within its window and the views quiet again");
                }
                LockTimeout.set(c, OnlineOptions.maintenanceWait(lockTimeout));
                long started = System.nanoTime();
                int tables = new SchemaMoves(c).holdAgainstMaintenance(state.liveSchema(), outgoing, inSchema);
                long waited = millisSince(started);
                if (waited >= WAIT_REPORTED_MS) {
                    progress.step(step.heading() + ": waited " + waited + " ms for maintenance (VACUUM, ANALYZE) to leave the "
                            + tables + " table(s) it moves; readers and writers went on meanwhile");
                }
                TrackRow.live(state.app()).hold(c, lockTimeout);
                long pausedAt = System.nanoTime();
                ApplierPosition live = TrackRow.live(state.app()).position(c);
                if (live.batch() != null) {
                    throw new NotYet("the live applier is in the middle of a batch");
                }
                awaitReleaseTrack(state.app(), live);
                lockRelease(c, state.app(), live);
                long heldAt = System.nanoTime();
                if (!VersionRegistry.liveNumbers(c, state.app())
                        .equals(versions.stream().map(VersionDefinition::version).toList())) {
                    throw new NotYet("the app's live versions changed (tandem retire) while the switch prepared");
                }
                repointed = work.run(c, heldAt, staged, versions);
                c.commit();
                long now = System.nanoTime();
                held = new SwitchTime(TimeUnit.NANOSECONDS.toMillis(now - pausedAt),
                        TimeUnit.NANOSECONDS.toMillis(now - heldAt));
            } catch (SQLException | RuntimeException | NotYet e) {
                c.rollback();
                throw e;
            }
            validate(c, state.liveSchema(), repointed);
        }
        return held;
    }

    /**
     * Moves {@code outgoing} from the live schema to {@code outSchema} and {@code incoming} from {@code inSchema}
     * to the live schema, handing sequences over, continuing identities, copying grants, and re-pointing the
     * foreign keys of tables that stay; returns the foreign keys re-added {@code NOT VALID}.
     */
    private List<TableShape.ForeignKey> exchange(Connection c, SchemaMoves moves, String live, String outSchema,
                                                 String inSchema, List<String> outgoing, List<String> incoming)
            throws SQLException {
        List<TableShape.ForeignKey> keys = TableShape.foreignKeys(c, live, outgoing);
        List<TableShape.ForeignKey> readd = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (TableShape.ForeignKey fk : keys) {
                boolean stays = !outgoing.contains(fk.table());
                if (stays || !outgoing.contains(fk.references())) {
                    // A table that stays references one that goes: re-point it to the incoming one. An outgoing
                    // table references one that stays: the incoming table gets the key, and the outgoing one loses
                    // it, or its rows — which the release track keeps in step a little behind the live ones —
                    // could refuse the live applier a delete, or cascade into live rows.
                    s.execute("ALTER TABLE " + q(live) + "." + q(fk.table()) + " DROP CONSTRAINT " + q(fk.name()));
                    readd.add(fk);
                }
            }
        }
        List<SchemaMoves.OwnedSequence> owned = moves.ownedSequences(live, outgoing);
        moves.release(live, owned);
        for (String table : outgoing) {
            if (incoming.contains(table)) {
                moves.continueIdentities(live, inSchema, table);
            }
        }
        moves.move(live, outSchema, outgoing);
        moves.move(inSchema, live, incoming);
        moves.adopt(live, owned);
        for (String table : incoming) {
            if (outgoing.contains(table)) {
                moves.copyGrants(outSchema, live, table);
            }
        }
        List<TableShape.ForeignKey> added = new ArrayList<>();
        for (TableShape.ForeignKey fk : readd) {
            if (incoming.contains(fk.table()) || !outgoing.contains(fk.table())) {
                if (addForeignKey(c, fk, live)) {
                    added.add(fk);
                }
            }
        }
        return added;
    }

    /** Re-adds a foreign key on the live tables, NOT VALID; false when its columns no longer exist. */
    private boolean addForeignKey(Connection c, TableShape.ForeignKey fk, String live) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT tandem_fk");
            try {
                s.execute(fk.add(live, live, true));
                s.execute("RELEASE SAVEPOINT tandem_fk");
                return true;
            } catch (SQLException e) {
                s.execute("ROLLBACK TO SAVEPOINT tandem_fk");
                if ("42710".equals(e.getSQLState())) { // duplicate_object: the incoming table kept its own
                    return false;
                }
                if (!"42703".equals(e.getSQLState())) { // undefined_column: the release dropped what it tied
                    throw e;
                }
                progress.step("Foreign key " + fk.name() + " of " + fk.table() + " not re-added: " + e.getMessage());
                return false;
            }
        }
    }

    /** After the commit: validates the re-added foreign keys (a scan that takes no lock a writer waits on). */
    private void validate(Connection c, String live, List<TableShape.ForeignKey> keys) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            for (TableShape.ForeignKey fk : keys) {
                s.execute("ALTER TABLE " + q(live) + "." + q(fk.table()) + " VALIDATE CONSTRAINT " + q(fk.name()));
            }
        } catch (SQLException e) {
            throw new TandemException("The release switched, but re-validating a foreign key failed: "
                    + e.getMessage() + ". The constraint stays NOT VALID (new rows are still checked); validate it"
                    + " by hand once the data is fixed.", e);
        }
    }

    private void recordMigrations(Connection c, String live, String build) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + q(live) + ".flyway_schema_history (installed_rank, version, description, type,"
                    + " script, checksum, installed_by, installed_on, execution_time, success)"
                    + " SELECT (SELECT coalesce(max(installed_rank), 0) FROM " + q(live) + ".flyway_schema_history)"
                    + " + row_number() OVER (ORDER BY b.installed_rank), b.version, b.description, b.type, b.script,"
                    + " b.checksum, b.installed_by, b.installed_on, b.execution_time, b.success"
                    + " FROM " + q(build) + "." + BuildMigration.HISTORY + " b WHERE b.type <> 'BASELINE'");
        }
    }

    /**
     * Waits for {@code ready} for up to the catch-up wait, at most {@link #READY_WAIT}: the views created meanwhile
     * keep locks on the tables they read (a reader's), which a DDL statement on one of them would queue behind.
     */
    private void awaitReady(Ready ready) throws SQLException, NotYet {
        Duration wait = catchUpWait.compareTo(READY_WAIT) < 0 ? catchUpWait : READY_WAIT;
        long deadline = System.nanoTime() + wait.toNanos();
        while (!ready.now()) {
            if (System.nanoTime() > deadline) {
                throw new NotYet("the release track was not within the switch's window (or the views were not"
                        + " quiet) for " + wait.toMillis() + " ms");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Waits, outside the DDL, until the release track stands exactly at the (held) live position. */
    private void awaitReleaseTrack(String app, ApplierPosition live) throws SQLException, NotYet {
        long deadline = System.nanoTime() + catchUpWait.toNanos();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            while (true) {
                ReleaseState state = ReleaseState.find(c, app).orElseThrow(() -> new TandemException(
                        "The release of app '" + app + "' was aborted while it was switching; nothing changed."));
                if (state.state() == ApplierState.HALTED) {
                    throw new TandemException("The release of app '" + app + "' cannot switch: its track halted: "
                            + state.haltedReason());
                }
                if (state.position().batch() == null && state.position().applied().equals(live.applied())) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new NotYet("the release track did not reach the live position within "
                            + catchUpWait.toMillis() + " ms");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void lockRelease(Connection c, String app, ApplierPosition live) throws SQLException, NotYet {
        ApplierPosition track = TrackRow.release(app).lockPosition(c);
        if (track == null || track.batch() != null || !live.applied().equals(track.applied())) {
            throw new NotYet("the release track moved while the switch locked it");
        }
    }

}
