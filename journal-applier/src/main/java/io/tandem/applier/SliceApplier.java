package io.tandem.applier;

import io.tandem.core.db.TrackRow;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The consuming end of the pipeline: applies each slice in one target transaction that also moves the position
 * (exactly once), on one dedicated connection.
 *
 * <p>A slice is applied regrouped for long batches ({@link ApplyOrder}). If the database refuses it for a reason in
 * the data, it is rolled back and applied again in journal order; if that fails too, one source transaction per
 * target transaction, to find the culprit and reject it under the {@link RejectPolicy}; every other transaction
 * of the slice still applies. Any other failure (connection lost, leadership lost, definitions changed) stops the
 * pipeline: the first failure is kept in {@link #failure()}, later slices are skipped, and the supervisor restarts
 * from the position committed in the database.
 */
final class SliceApplier implements EventHandler<Slice>, ExceptionHandler<Slice> {
    private static final Logger log = LoggerFactory.getLogger(SliceApplier.class);

    /** The leader of a newer epoch, or {@code tandem migrate}, changed what this pipeline was started with. */
    static final class Superseded extends Exception {
        private static final long serialVersionUID = 1L;

        Superseded(String message) {
            super(message);
        }
    }

    private final Connection connection;
    private final TrackRow state;
    private final RejectLog rejects;
    private final Projection projection;
    private final RejectPolicy policy;
    private final ApplierStats stats;
    private final Track track;
    private final long epoch;
    private final long definitionsGeneration;
    private volatile Throwable failure;
    private volatile String haltedReason;
    private volatile long lockWaitSince;

    SliceApplier(Connection connection, Track track, Projection projection, RejectPolicy policy, ApplierStats stats,
                 long epoch, long definitionsGeneration) throws SQLException {
        this.connection = connection;
        this.track = track;
        this.state = track.state();
        this.rejects = new RejectLog(track.app());
        this.projection = projection;
        this.policy = policy;
        this.stats = stats;
        this.epoch = epoch;
        this.definitionsGeneration = definitionsGeneration;
        connection.setAutoCommit(false);
    }

    /** The failure that stopped this pipeline, or {@code null}. */
    Throwable failure() {
        return failure;
    }

    /** Why the applier halted before a transaction, or {@code null}. */
    String haltedReason() {
        return haltedReason;
    }

    /**
     * Whether the apply thread has been waiting for the state row lock for longer than {@code nanos}: something —
     * normally a {@code tandem migrate} — holds the applier at a batch boundary.
     */
    boolean heldLongerThan(long nanos) {
        long since = lockWaitSince;
        return since != 0 && System.nanoTime() - since > nanos;
    }

    boolean stopped() {
        return failure != null || haltedReason != null;
    }

    @Override
    public void onEvent(Slice slice, long sequence, boolean endOfBatch) throws Exception {
        try {
            if (!stopped()) {
                apply(slice);
            }
        } finally {
            slice.clear();
        }
    }

    /** What an attempt to apply came to: applied, or rolled back because the database refused it. */
    private sealed interface Outcome permits Applied, Refused {
    }

    private record Applied() implements Outcome {
    }

    /** Rolled back, for a reason in the data (a constraint, a data exception, an undecodable row). */
    private record Refused(String reason) implements Outcome {
    }

    private static final Applied APPLIED = new Applied();
    /** The rows that wrote nothing in the transaction {@link #applyAlone} last applied. */
    private int missedAlone;

    private void apply(Slice slice) throws SQLException, Superseded {
        if (slice.clean()) {
            if (applyWhole(slice, true) == APPLIED) {
                return;
            }
            if (!(applyWhole(slice, false) instanceof Refused refused)) {
                return;
            }
            log.info("A slice of {} transaction(s) failed ({}); applying them one by one to find the culprit",
                    slice.transactions.size(), refused.reason());
        }
        applyOneByOne(slice);
    }

    /** Applies the whole slice in one target transaction, regrouped for long batches or in journal order. */
    private Outcome applyWhole(Slice slice, boolean regroup) throws SQLException, Superseded {
        try {
            begin();
            int missed = regroup
                    ? projection.apply(connection, slice.groups != null ? slice.groups
                            : projection.regroup(slice.transactions))
                    : projection.applyInJournalOrder(connection, slice.transactions);
            state.advance(connection, slice.target, slice.completesBatch, slice.lastMaxSeq, slice.rows, missed);
            connection.commit();
            stats.applied(slice.rows, slice.transactions.size());
            return APPLIED;
        } catch (SQLException e) {
            rollback();
            if (!ApplyFailure.isDataProblem(e)) {
                throw e;
            }
            log.debug("A slice of {} transaction(s) failed {} ({})", slice.transactions.size(),
                    regroup ? "regrouped" : "in journal order", e.getMessage());
            return new Refused(e.getMessage());
        }
    }

    private void applyOneByOne(Slice slice) throws SQLException, Superseded {
        List<SourceTransaction> txs = slice.transactions;
        if (txs.isEmpty()) {
            begin();
            state.advance(connection, slice.target, slice.completesBatch, slice.lastMaxSeq, 0, 0);
            connection.commit();
            return;
        }
        for (int i = 0; i < txs.size(); i++) {
            SourceTransaction tx = txs.get(i);
            boolean last = i == txs.size() - 1;
            Outcome outcome = applyAlone(tx);
            String problem = outcome instanceof Refused refused ? refused.reason() : null;
            if (problem != null) {
                if (policy == RejectPolicy.HALT) {
                    halt(tx, problem);
                    return;
                }
                begin();
                rejects.record(connection, tx.txid(), problem);
                stats.rejected();
                log.warn("Rejected source transaction {} of {} ({} row(s)) to tandem.rejects: {}",
                        tx.txid(), track.describe(), tx.rows().size(), problem);
            }
            state.advance(connection, slice.target, slice.completesBatch && last, tx.maxSeq(),
                    problem == null ? tx.rows().size() : 0, problem == null ? missedAlone : 0);
            connection.commit();
            if (problem == null) {
                stats.applied(tx.rows().size(), 1);
            }
        }
    }

    /**
     * Applies {@code tx} in an open target transaction (left open when applied, for the position to be moved in
     * it), or says, rolled back, why it cannot be applied.
     */
    private Outcome applyAlone(SourceTransaction tx) throws SQLException, Superseded {
        begin();
        JournalRow bad = tx.firstUndecoded();
        if (bad != null) {
            rollback();
            return new Refused(bad.describe() + ": " + bad.problem());
        }
        try {
            missedAlone = projection.applyInJournalOrder(connection, List.of(tx));
            return APPLIED;
        } catch (SQLException e) {
            rollback();
            if (!ApplyFailure.isDataProblem(e)) {
                throw e;
            }
            return new Refused("source transaction " + tx.txid() + " (seq " + tx.rows().get(0).seq() + ".." + tx.maxSeq()
                    + ") was refused by the database: " + e.getMessage() + " [SQLState " + e.getSQLState() + "]");
        }
    }

    private void halt(SourceTransaction tx, String problem) throws SQLException, Superseded {
        String reason = problem + ". " + track.haltAdvice();
        begin();
        state.halt(connection, tx.txid(), reason);
        connection.commit();
        haltedReason = reason;
        if (track.follows()) {
            log.warn("Release track halted: {}", reason);
        } else {
            log.error("Applier halted: {}", reason);
        }
    }

    /** Starts a target transaction holding the state row, and checks this pipeline may still write. */
    private void begin() throws SQLException, Superseded {
        lockWaitSince = System.nanoTime();
        TrackRow.Locked locked;
        try {
            locked = state.lock(connection);
        } finally {
            lockWaitSince = 0;
        }
        if (locked == null) {
            rollback();
            throw new Superseded(track.describe() + " has ended (its state row is gone)");
        }
        if (locked.epoch() != epoch) {
            rollback();
            throw new Superseded("another applier took the lead of " + track.describe() + " (epoch " + locked.epoch()
                    + ", this one " + epoch + ")");
        }
        if (locked.definitionsGeneration() != definitionsGeneration) {
            rollback();
            throw new Superseded("the definitions of " + track.describe() + " changed (generation "
                    + locked.definitionsGeneration() + "); reloading them");
        }
    }

    private void rollback() throws SQLException {
        connection.rollback();
    }

    @Override
    public void handleEventException(Throwable ex, long sequence, Slice slice) {
        if (failure == null) {
            failure = ex;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            ex.addSuppressed(e);
        }
    }

    @Override
    public void handleOnStartException(Throwable ex) {
        failure = ex;
    }

    @Override
    public void handleOnShutdownException(Throwable ex) {
        log.warn("The apply thread of {} did not shut down cleanly", track.describe(), ex);
    }
}
