package io.tandem.applier;

import io.tandem.core.db.LockNames;
import io.tandem.core.db.Snapshot;
import io.tandem.core.db.TrackRow;

import java.sql.Connection;

/** The journal of an app projected into its live tables through its live versions, up to the newest commit. */
final class LiveTrack implements Track {
    private final String app;
    private final TrackRow state;

    LiveTrack(String app) {
        this.app = app;
        this.state = TrackRow.live(app);
    }

    @Override
    public String app() {
        return app;
    }

    @Override
    public String describe() {
        return "app '" + app + "'";
    }

    @Override
    public String leaderLock() {
        return LockNames.applierLeader(app);
    }

    @Override
    public TrackRow state() {
        return state;
    }

    @Override
    public boolean hasWork(javax.sql.DataSource dataSource) {
        return true;
    }

    @Override
    public LiveDefinitions load(Connection read, Connection apply) throws java.sql.SQLException {
        return LiveDefinitions.load(read, app);
    }

    @Override
    public Snapshot bound(Connection read) {
        return null;
    }

    @Override
    public boolean follows() {
        return false;
    }

    @Override
    public RejectPolicy policy(RejectPolicy configured) {
        return configured;
    }

    @Override
    public String haltAdvice() {
        return "The applier of app '" + app + "' halted before this transaction; nothing after it was applied. Fix the"
                + " cause (e.g. release the missing definition, repair the physical data) and restart the applier, or"
                + " restart it with --on-reject skip to move the transaction to tandem.rejects and go on.";
    }

    @Override
    public boolean haltCleared(Connection c) {
        return false; // a halt of the live track lasts until the applier is restarted
    }
}
