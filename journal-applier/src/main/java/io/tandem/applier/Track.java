package io.tandem.applier;

import io.tandem.core.db.Snapshot;
import io.tandem.core.db.TrackRow;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What one applier run projects: where its position lives, which definitions it projects through, onto which
 * tables, and how far it may read. An app has two: the {@linkplain LiveTrack live track} (the journal into the live
 * tables, up to the newest commit) and the {@linkplain ReleaseTrack release track} (the journal into the tables of
 * an online release — the build before its switch, the previous tables after — never past the live position).
 *
 * <p>Why one abstraction: both need exactly the same machinery for exactly once, per-key order, rejects and crash
 * safety (batches, slices, a position committed with the rows, a leader per track), and "where the projection
 * lands" stays one idea that a later target (another database) can implement.
 */
interface Track {
    /** The app whose journal this track projects. */
    String app();

    /** For logs and errors, e.g. {@code app 'shop'}. */
    String describe();

    /** The name of the lock ({@link io.tandem.core.db.LockView}) whose holder leads this track. */
    String leaderLock();

    TrackRow state();

    /**
     * Whether there is anything to project now, asked before the track takes its lead and its connections (a
     * release track without a release in progress holds none).
     */
    boolean hasWork(javax.sql.DataSource dataSource) throws SQLException;

    /**
     * The definitions to project through now, their write items naming the track's tables; {@code null} when there
     * is nothing to project (no release in progress, or it is not ready to be followed).
     */
    LiveDefinitions load(Connection read, Connection apply) throws SQLException;

    /**
     * The snapshot the next batch may read up to: {@code null} for the batch's own (the newest commits), or, for a
     * track that must never pass another, that one's committed position.
     */
    Snapshot bound(Connection read) throws SQLException;

    /** Whether this track leaves out the transactions the live track rejected (a follower must). */
    boolean follows();

    /** What to do with a transaction this track cannot apply. */
    RejectPolicy policy(RejectPolicy configured);

    /** What the operator can do when this track halts before a transaction, appended to the reason. */
    String haltAdvice();

    /** Whether a halt of this track has been cleared in the database (its release aborted), so it may run again. */
    boolean haltCleared(Connection c) throws SQLException;
}
