package io.tandem.applier;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's middle stage: regroups each clean slice's rows ({@link Projection#regroup}) on its own thread,
 * before the slice reaches the {@link SliceApplier}.
 *
 * <p>Why a stage of its own: compiling and regrouping a slice, and spelling its values as text, is CPU work of a few
 * microseconds per row, and the apply thread is the pipeline's bottleneck (it waits on the database for each
 * statement and commit); here it overlaps with applying the previous slice. A slice with an undecodable row is left
 * unplanned: it is applied one source transaction at a time anyway.
 *
 * <p>It is its own exception handler: a failure here leaves the slice unplanned and the apply thread regroups it
 * itself, where a failure is handled on the thread that owns the apply connection. (The pipeline's default handler,
 * the {@link SliceApplier}, rolls that connection back, which must never happen from this thread.)
 */
final class SlicePlanner implements EventHandler<Slice>, ExceptionHandler<Slice> {
    private static final Logger log = LoggerFactory.getLogger(SlicePlanner.class);
    private final Projection projection;

    SlicePlanner(Projection projection) {
        this.projection = projection;
    }

    @Override
    public void onEvent(Slice slice, long sequence, boolean endOfBatch) {
        if (slice.target != null && slice.clean()) {
            slice.groups = projection.regroup(slice.transactions);
        }
    }

    @Override
    public void handleEventException(Throwable failure, long sequence, Slice slice) {
        slice.groups = null;
        log.warn("Could not regroup a slice on the planner thread; the apply thread regroups it instead", failure);
    }

    @Override
    public void handleOnStartException(Throwable failure) {
        log.warn("The applier's planner thread failed to start", failure);
    }

    @Override
    public void handleOnShutdownException(Throwable failure) {
        log.warn("The applier's planner thread failed to stop cleanly", failure);
    }
}
