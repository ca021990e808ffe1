package io.tandem.applier;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.tandem.core.db.ApplierPosition;
import io.tandem.core.db.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One run of reader → ring buffer → {@link SlicePlanner} → {@link SliceApplier} under one leadership epoch and one
 * set of definitions, for one {@link Track}.
 *
 * <p>Three threads, one stage each: the calling thread reads (batch N+1 is fetched and decoded while slices of
 * batch N are planned and applied), the planner thread regroups each slice for long batches, the apply thread
 * applies it. The ring buffer between them is bounded, so a slow apply side holds the reader back instead of
 * filling the heap. The ring uses a blocking wait strategy: on 2 cores, spinning consumers would steal the reader's
 * CPU.
 *
 * <p>A run ends when asked to stop (after the slices already read are applied), when the apply side fails or
 * halts, or when the leadership or the definitions change; the caller then starts a new run from the position
 * committed in the database.
 */
final class Pipeline {
    /** How a run ended. */
    enum End { STOPPED, HALTED, FAILED }

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    private static final long IDLE_PERSIST_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ApplierConfig config;
    private final BatchReader reader;
    private final SlicePlanner planner;
    private final SliceApplier applier;
    private final Leadership leadership;
    private final Track track;
    private Throwable failure;
    /** Bytes of the slices published and not yet applied ({@link Slice#bytes}). */
    private final AtomicLong inFlightBytes = new AtomicLong();

    Pipeline(ApplierConfig config, BatchReader reader, SlicePlanner planner, SliceApplier applier,
             Leadership leadership, Track track) {
        this.track = track;
        this.config = config;
        this.reader = reader;
        this.planner = planner;
        this.applier = applier;
        this.leadership = leadership;
    }

    /** The failure that ended a {@link End#FAILED} run: the apply side's first, when it had one (the reader only
     * stops because of it). */
    Throwable failure() {
        return applier.failure() != null ? applier.failure() : failure;
    }

    String haltedReason() {
        return applier.haltedReason();
    }

    End run(Connection readConnection, ApplierPosition start, BooleanSupplier stopRequested) throws SQLException {
        AtomicInteger threads = new AtomicInteger(); // planner, then applier
        Disruptor<Slice> disruptor = new Disruptor<>(Slice::new, config.ringSize(),
                r -> new Thread(r, track.leaderLock() + "-" + threads.incrementAndGet()),
                ProducerType.SINGLE, new BlockingWaitStrategy());
        // The bytes are released on the apply thread itself: a third stage would wait for the apply stage by
        // spinning (a BlockingWaitStrategy blocks only on the publisher), a core taken from the applier.
        disruptor.handleEventsWith(planner).then((slice, sequence, endOfBatch) -> {
            try {
                applier.onEvent(slice, sequence, endOfBatch); // clears the slice's rows once applied
            } finally {
                inFlightBytes.addAndGet(-slice.bytes);
            }
        });
        disruptor.setDefaultExceptionHandler(applier);
        disruptor.handleExceptionsFor(planner).with(planner);
        RingBuffer<Slice> ring = disruptor.start();
        try {
            readLoop(readConnection, start, stopRequested, ring);
        } catch (SQLException | RuntimeException e) {
            failure = e;
        } finally {
            drain(disruptor);
        }
        if (applier.haltedReason() != null) {
            return End.HALTED;
        }
        return failure() != null ? End.FAILED : End.STOPPED;
    }

    private void readLoop(Connection c, ApplierPosition start, BooleanSupplier stopRequested, RingBuffer<Slice> ring)
            throws SQLException {
        Snapshot previous = start.applied();
        Snapshot resume = start.batch();
        long doneSeq = start.batchDoneSeq();
        long pauseNanos = 0;
        long lastPublished = System.nanoTime();
        long lastLeaderCheck = System.nanoTime();
        while (!stopRequested.getAsBoolean() && !applier.stopped()) {
            if (System.nanoTime() - lastLeaderCheck > TimeUnit.SECONDS.toNanos(1)) {
                if (!leadership.stillHeld()) {
                    throw new SQLException("lost the leader lock's connection");
                }
                lastLeaderCheck = System.nanoTime();
            }
            if (!awaitRoom(ring, stopRequested)) {
                break;
            }
            boolean persistIdle = System.nanoTime() - lastPublished > IDLE_PERSIST_NANOS;
            if (resume == null) {
                resume = track.bound(c);
                if (resume != null && previous.includes(resume)) {
                    // a track that follows another is as far as that one: nothing to read yet
                    resume = null;
                    pauseNanos = nextPause(pauseNanos);
                    LockSupport.parkNanos(pauseNanos);
                    continue;
                }
            }
            int[] published = {0};
            Snapshot target = reader.read(c, previous, resume, doneSeq, (snap, completes, txs, bytes) -> {
                if (!txs.isEmpty() || published[0] > 0 || persistIdle) {
                    publish(ring, snap, completes, txs, bytes);
                    published[0]++;
                }
            });
            previous = target;
            resume = null;
            doneSeq = 0;
            if (published[0] > 0) {
                lastPublished = System.nanoTime();
            }
            pauseNanos = published[0] > 0 && !persistIdle ? 0 : nextPause(pauseNanos);
            if (pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
            }
        }
    }

    /**
     * Waits, outside any transaction, until at least half the ring is free before a batch is read. The read holds
     * its cursor transaction (and an ACCESS SHARE lock on tandem.journal) while it publishes; if it blocked on a full
     * ring there while the apply side is held by {@code tandem migrate}'s pause lock, a migration that needs a
     * stronger lock on the journal (its row-level-security policies) would wait for the reader, the reader for the
     * apply side, and the apply side for the migration, until the migration's lock_timeout. Found by the migration
     * benchmark (benchmarks/RESULTS.md). Which rows are read, and in what order, does not change.
     *
     * @return false when asked to stop while waiting
     */
    private boolean awaitRoom(RingBuffer<Slice> ring, BooleanSupplier stopRequested) {
        long wanted = Math.max(1, ring.getBufferSize() / 2);
        while (ring.remainingCapacity() < wanted) {
            if (stopRequested.getAsBoolean() || applier.stopped()) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
        return true;
    }

    private long nextPause(long pauseNanos) {
        long max = config.maxPollInterval().toNanos();
        return pauseNanos == 0 ? Math.min(TimeUnit.MILLISECONDS.toNanos(1), max) : Math.min(pauseNanos * 2, max);
    }

    /**
     * Publishes a slice, waiting for room in the ring and, unless nothing else is in flight, for the bytes it holds
     * to fit in {@link ApplierConfig#readAheadBytes}; gives up if the apply side has stopped. So the heap holds a
     * bounded number of bytes of journal rows, however wide they are, and never fewer than one slice.
     */
    private void publish(RingBuffer<Slice> ring, Snapshot target, boolean completes, List<SourceTransaction> txs,
                         long bytes) {
        while (true) {
            if (applier.stopped()) {
                throw new IllegalStateException("the apply side stopped", applier.failure());
            }
            long inFlight = inFlightBytes.get();
            if (inFlight > 0 && inFlight + bytes > config.readAheadBytes()) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
                continue;
            }
            try {
                long sequence = ring.tryNext();
                inFlightBytes.addAndGet(bytes);
                try {
                    ring.get(sequence).fill(target, completes, txs, bytes);
                } finally {
                    ring.publish(sequence);
                }
                return;
            } catch (InsufficientCapacityException full) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
            }
        }
    }

    private void drain(Disruptor<Slice> disruptor) {
        try {
            disruptor.shutdown(30, TimeUnit.SECONDS);
        } catch (com.lmax.disruptor.TimeoutException e) {
            log.warn("The apply thread of {} did not finish its slices within 30 s; halting it", track.describe());
            disruptor.halt();
        }
    }
}
